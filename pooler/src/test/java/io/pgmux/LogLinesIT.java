package io.pgmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.testing.Await;
import io.pgmux.testing.PgmuxProcess;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.SimpleQueryClient;
import io.pgmux.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log file of pgmux run as its own process: log_stats writes PgBouncer's {@code stats:} line every stats_period;
 * log_connections, log_disconnections and log_pooler_errors write PgBouncer's lines for each client, and stop when
 * a RELOAD turns them off.
 */
@ExtendWith(PostgresExtension.class)
class LogLinesIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String USER = PostgresExtension.SCRAM_USER;
    private static final String PASSWORD = PostgresExtension.SCRAM_PASSWORD;
    /** PgBouncer's line head, then its prefix for a client: {@code C-0x1f: db/user@127.0.0.1:port}. */
    private static final String CLIENT = "^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\S+ \\[\\d+] "
            + "LOG C-0x[0-9a-f]+: " + PostgresExtension.DATABASE + "/" + USER + "@127\\.0\\.0\\.1:\\d+ ";

    @Test
    void connectionAndStatsLinesFollowTheirKeys(TestPostgres postgres, @TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(PgmuxProcess.JAR), "the jar is built by the package phase before integration tests");
        int port = PgmuxServer.freePort();
        Path log = dir.resolve("logfile.log"); // not pgmux.log, where PgmuxProcess puts the process's output
        Files.writeString(dir.resolve("userlist.txt"), "\"" + USER + "\" \"" + PASSWORD + "\"\n");
        Path ini = writeIni(postgres, dir, port, log, 1);
        try (PgmuxProcess pgmux = PgmuxProcess.javaJar(ini, "-q")) {
            Await.until(PATIENCE, "pgmux takes logins", () -> canLogIn(port));
            Await.until(PATIENCE, "a log_stats line", () -> count(log, "LOG stats: \\d+ xacts/s, \\d+ queries/s, "
                    + "\\d+ client parses/s, \\d+ server parses/s, \\d+ binds/s, in \\d+ B/s, out \\d+ B/s, "
                    + "xact \\d+ us, query \\d+ us, wait \\d+ us$") >= 1);

            useAClientThenFailALogin(port);
            try (SimpleQueryClient admin = SimpleQueryClient.login(port, "pgbouncer", USER, PASSWORD)) {
                assertEquals("invalid command 'SHOW nosuch', use SHOW HELP;", admin.query("SHOW nosuch").error());
                admin.terminate();
            }
            Await.until(PATIENCE, "the admin console's error, as PgBouncer's admin_error logs it", () ->
                    count(log, "ERROR invalid command 'SHOW nosuch', use SHOW HELP;$") == 1
                    && count(log, "WARNING C-0x[0-9a-f]+: pgbouncer/" + USER + "@\\S+ pooler error: "
                            + "invalid command 'SHOW nosuch'") == 1);
            Await.until(PATIENCE, "the admin console client's goodbye", () -> count(log,
                    "LOG C-0x[0-9a-f]+: pgbouncer/" + USER + "@\\S+ closing because: client close request") == 1);
            Await.until(PATIENCE, "the client's login, its goodbye and the refused login in the log", () ->
                    count(log, CLIENT + "login attempt: db=" + PostgresExtension.DATABASE + " user=" + USER
                            + " tls=no replication=no$") >= 3
                    && count(log, CLIENT + "closing because: client close request \\(age=\\d+s\\)$") >= 1
                    && count(log, "WARNING C-0x[0-9a-f]+: \\S+ pooler error: password authentication failed") >= 1);

            writeIni(postgres, dir, port, log, 0);
            int reloads = count(log, "RELOAD");
            pgmux.signal("HUP");
            Await.until(PATIENCE, "the reload", () -> count(log, "RELOAD") > reloads);
            int logins = count(log, "login attempt");
            int closings = count(log, "closing because");
            int errors = count(log, "pooler error");
            useAClientThenFailALogin(port);
            int stats = count(log, "LOG stats: ");
            Await.until(PATIENCE, "two more stats_period ticks", () -> count(log, "LOG stats: ") >= stats + 2);
            assertEquals(logins, count(log, "login attempt"), "log_connections = 0");
            assertEquals(closings, count(log, "closing because"), "log_disconnections = 0");
            assertEquals(errors, count(log, "pooler error"), "log_pooler_errors = 0");
        }
    }

    @Test
    void sighupStartsANewLogfileAfterLogrotateMovedTheOldOne(TestPostgres postgres, @TempDir Path dir)
            throws Exception {
        assumeTrue(Files.exists(PgmuxProcess.JAR), "the jar is built by the package phase before integration tests");
        int port = PgmuxServer.freePort();
        Path log = dir.resolve("logfile.log");
        Path rotated = dir.resolve("logfile.log.1");
        Files.writeString(dir.resolve("userlist.txt"), "\"" + USER + "\" \"" + PASSWORD + "\"\n");
        Path ini = writeIni(postgres, dir, port, log, 1);
        try (PgmuxProcess pgmux = PgmuxProcess.javaJar(ini, "-q")) {
            Await.until(PATIENCE, "pgmux takes logins", () -> canLogIn(port));
            Files.move(log, rotated);
            pgmux.signal("HUP");
            Await.until(PATIENCE, "the reload, in a new logfile", () -> count(log, "RELOAD: .* reloaded") == 1);
            useAClientThenFailALogin(port);
            Await.until(PATIENCE, "the next logins in the new logfile", () -> count(log, "login attempt") >= 2);
            assertEquals(0, count(rotated, "RELOAD: .* reloaded"), "nothing after the reload goes to the moved file");
        }
    }

    private static Path writeIni(TestPostgres postgres, Path dir, int port, Path log, int connectionLines)
            throws IOException {
        return PgmuxProcess.writeIni(dir, postgres, port,
                "auth_type = plain",
                "admin_users = " + USER,
                "auth_file = " + dir.resolve("userlist.txt"),
                "logfile = " + log,
                "stats_period = 1",
                "log_stats = 1",
                "log_connections = " + connectionLines,
                "log_disconnections = " + connectionLines,
                "log_pooler_errors = " + connectionLines);
    }

    /** A client that runs a query and says goodbye with Terminate, then a login with a wrong password. */
    private static void useAClientThenFailALogin(int port) throws IOException {
        try (SimpleQueryClient client = SimpleQueryClient.login(port, PostgresExtension.DATABASE, USER, PASSWORD)) {
            assertEquals("1", client.query("SELECT 1").rows().get(0).get(0));
            client.terminate();
        }
        IOException refused = assertThrows(IOException.class, () -> SimpleQueryClient.login(port,
                PostgresExtension.DATABASE, USER, "wrong").close());
        assertTrue(refused.getMessage().contains("password authentication failed"), refused.getMessage());
    }

    private static boolean canLogIn(int port) {
        try {
            SimpleQueryClient.login(port, PostgresExtension.DATABASE, USER, PASSWORD).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int count(Path log, String regex) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        Pattern pattern = Pattern.compile(regex);
        return (int) Files.readAllLines(log).stream().filter(l -> pattern.matcher(l).find()).count();
    }
}
