package io.pgmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.testing.Await;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgmux started the documented way, {@code java -jar pgmux.jar pgbouncer.ini}, as its own process: SIGHUP reloads
 * auth_file, SIGTERM stops it and removes its pidfile.
 */
@ExtendWith(PostgresExtension.class)
class ProcessIT {
    private static final Path JAR = Path.of("target", "pgmux.jar");

    @Test
    void sighupReloadsTheAuthFileAndSigtermStops(TestPostgres postgres, @TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(JAR), "the jar is built by the package phase before integration tests");
        int port = PgmuxServer.freePort();
        Path userlist = dir.resolve("userlist.txt");
        Files.writeString(userlist, line(PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD));
        Path pidfile = dir.resolve("pgmux.pid");
        Path ini = dir.resolve("pgbouncer.ini");
        Files.writeString(ini, String.join("\n",
                "[databases]",
                PostgresExtension.DATABASE + " = host=127.0.0.1 port=" + postgres.port(),
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir = " + dir,
                "auth_type = scram-sha-256",
                "auth_file = " + userlist,
                "pidfile = " + pidfile,
                "ignore_startup_parameters = extra_float_digits",
                ""));
        Process pgmux = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(),
                ini.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("pgmux.log").toFile()).start();
        try {
            Await.until(Duration.ofSeconds(30), "pgmux serves logins", () -> Files.exists(pidfile) && canLogIn(port,
                    PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD));
            assertEquals(pgmux.pid() + "\n", Files.readString(pidfile));
            assertThrows(SQLException.class,
                    () -> login(port, PostgresExtension.MD5_USER, PostgresExtension.MD5_PASSWORD).close());

            Files.writeString(userlist, line(PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD)
                    + line(PostgresExtension.MD5_USER, PostgresExtension.MD5_PASSWORD));
            signal("HUP", pgmux.pid());
            Await.until(Duration.ofSeconds(30), "the reloaded auth_file lets md5_user in",
                    () -> canLogIn(port, PostgresExtension.MD5_USER, PostgresExtension.MD5_PASSWORD));

            signal("TERM", pgmux.pid());
            assertTrue(pgmux.waitFor(30, TimeUnit.SECONDS), "pgmux exits on SIGTERM");
            assertTrue(Files.notExists(pidfile), "pidfile removed");
        } finally {
            pgmux.destroyForcibly();
        }
    }

    private static String line(String user, String password) {
        return "\"" + user + "\" \"" + password + "\"\n";
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name);
    }

    private static boolean canLogIn(int port, String user, String password) {
        try (Connection c = login(port, user, password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_user")) {
            return rs.next() && user.equals(rs.getString(1));
        } catch (SQLException e) {
            return false;
        }
    }

    private static Connection login(int port, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + PostgresExtension.DATABASE,
                props);
    }
}
