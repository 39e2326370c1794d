package io.pgmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.testing.Await;
import io.pgmux.testing.Console;
import io.pgmux.testing.PgmuxProcess;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.Sql;
import io.pgmux.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgmux started the documented way, {@code java -jar pgmux.jar pgbouncer.ini}, as its own process: SIGHUP reloads
 * auth_file and pgbouncer.ini as RELOAD does, SIGTERM stops it and removes its pidfile.
 */
@ExtendWith(PostgresExtension.class)
class ProcessIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin pass";

    @Test
    void sighupReloadsTheAuthFileAndSigtermStops(TestPostgres postgres, @TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(PgmuxProcess.JAR), "the jar is built by the package phase before integration tests");
        int port = PgmuxServer.freePort();
        Path userlist = dir.resolve("userlist.txt");
        Files.writeString(userlist, line(PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD));
        Path pidfile = dir.resolve("pgmux.pid");
        Path ini = PgmuxProcess.writeIni(dir, postgres, port,
                "auth_type = scram-sha-256",
                "auth_file = " + userlist,
                "pidfile = " + pidfile,
                "ignore_startup_parameters = extra_float_digits");
        try (PgmuxProcess pgmux = PgmuxProcess.javaJar(ini)) {
            Await.until(PATIENCE, "pgmux serves logins", () -> Files.exists(pidfile) && canLogIn(port,
                    PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD));
            assertEquals(pgmux.pid() + "\n", Files.readString(pidfile));
            assertThrows(SQLException.class, () -> login(port, PostgresExtension.DATABASE, PostgresExtension.MD5_USER,
                    PostgresExtension.MD5_PASSWORD).close());

            Files.writeString(userlist, line(PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD)
                    + line(PostgresExtension.MD5_USER, PostgresExtension.MD5_PASSWORD));
            pgmux.signal("HUP");
            Await.until(PATIENCE, "the reloaded auth_file lets md5_user in",
                    () -> canLogIn(port, PostgresExtension.MD5_USER, PostgresExtension.MD5_PASSWORD));

            pgmux.signal("TERM");
            pgmux.awaitExit(PATIENCE);
            assertTrue(Files.notExists(pidfile), "pidfile removed");
        }
    }

    @Test
    void sighupAppliesAnEditedIniAsReloadDoesAndABrokenOneChangesNothing(TestPostgres postgres, @TempDir Path dir)
            throws Exception {
        assumeTrue(Files.exists(PgmuxProcess.JAR), "the jar is built by the package phase before integration tests");
        int port = PgmuxServer.freePort();
        Path userlist = dir.resolve("userlist.txt");
        Files.writeString(userlist, line(PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD)
                + line(ADMIN, ADMIN_PASSWORD));
        Path ini = PgmuxProcess.writeIni(dir, postgres, port,
                "auth_type = scram-sha-256",
                "auth_file = " + userlist,
                "admin_users = " + ADMIN,
                "default_pool_size = 1",
                "ignore_startup_parameters = extra_float_digits");
        try (PgmuxProcess pgmux = PgmuxProcess.javaJar(ini)) {
            Await.until(PATIENCE, "pgmux serves logins", () -> canLogIn(port,
                    PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD));
            try (Connection console = Console.connect(port, ADMIN, ADMIN_PASSWORD)) {
                Files.writeString(ini, Files.readString(ini).replace("default_pool_size = 1", "default_pool_size = 3")
                        .replace("[pgbouncer]", "added = host=127.0.0.1 port=" + postgres.port() + " dbname="
                                + PostgresExtension.DATABASE + "\n[pgbouncer]"));
                pgmux.signal("HUP");
                Await.until(PATIENCE, "the new pool size is in force",
                        () -> "3".equals(Console.config(console, "default_pool_size")));
                try (Connection added = login(port, "added", PostgresExtension.SCRAM_USER,
                        PostgresExtension.SCRAM_PASSWORD)) {
                    assertEquals(PostgresExtension.DATABASE, Sql.value(added, "SELECT current_database()"));
                }

                Files.writeString(ini, Files.readString(ini).replace("default_pool_size = 3", "default_pool_size = 5")
                        + "max_client_conn = lots\n");
                pgmux.signal("HUP");
                pgmux.awaitOutput(PATIENCE, "RELOAD failed");
                assertEquals("3", Console.config(console, "default_pool_size"), "the running config stays");
                assertTrue(canLogIn(port, PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD));
            }
        }
    }

    private static String line(String user, String password) {
        return "\"" + user + "\" \"" + password + "\"\n";
    }

    private static boolean canLogIn(int port, String user, String password) {
        try (Connection c = login(port, PostgresExtension.DATABASE, user, password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_user")) {
            return rs.next() && user.equals(rs.getString(1));
        } catch (SQLException e) {
            return false;
        }
    }

    private static Connection login(int port, String database, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }
}
