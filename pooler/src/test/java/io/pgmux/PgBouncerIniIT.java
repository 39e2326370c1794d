package io.pgmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.config.ConfigLoader;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.testing.ExternalCommand;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pgbouncer.ini and userlist.txt written the way a PgBouncer user writes them, started through the same entry
 * point as the command line ({@link ConfigLoader#load} then {@link Pgmux#start}); psql and pgjdbc work through it.
 */
@ExtendWith(PostgresExtension.class)
class PgBouncerIniIT {
    @TempDir
    Path dir;

    private Pgmux pgmux;
    private int port;
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void start(TestPostgres postgres) throws Exception {
        port = PgmuxServer.freePort();
        Files.writeString(dir.resolve("userlist.txt"), String.join("\n",
                "\"" + PostgresExtension.SCRAM_USER + "\" \"" + PostgresExtension.SCRAM_PASSWORD + "\"",
                ""));
        // PgBouncer opens auth_file and pidfile as given, relative to its working directory; a test cannot choose
        // that, so the paths are absolute, as in packaged configs (/etc/pgbouncer/userlist.txt).
        Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                ";; pgbouncer.ini of the integration test",
                "# comments start with ; or #",
                "",
                "[databases]",
                "; the test database on the throwaway server",
                PostgresExtension.DATABASE + " = host=127.0.0.1 port=" + postgres.port() + " dbname="
                        + PostgresExtension.DATABASE,
                "# an alias: clients ask for appdb and get the same database",
                "appdb = host=127.0.0.1 port=" + postgres.port() + " dbname=" + PostgresExtension.DATABASE
                        + " pool_size=3",
                "",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir = " + dir,
                "auth_type = scram-sha-256",
                "auth_file = " + dir.resolve("userlist.txt"),
                "pidfile = " + dir.resolve("pgbouncer.pid"),
                "pool_mode = session",
                "default_pool_size = 5",
                "max_client_conn = 50",
                "server_reset_query = DISCARD ALL",
                "ignore_startup_parameters = extra_float_digits",
                "admin_users = postgres",
                "stats_users = postgres",
                "log_connections = 1",
                ""));
        PgBouncerConfig config = ConfigLoader.load(dir.resolve("pgbouncer.ini"), warnings::add);
        pgmux = Pgmux.start(config, null, 2);
    }

    @AfterEach
    void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
    }

    @Test
    void readsTheIniWithoutWarnings() {
        assertEquals(List.of(), warnings, "every key is one PgBouncer knows");
        assertEquals(port, pgmux.port());
    }

    @Test
    void psqlWorksOverTcpAndTheUnixSocket() throws Exception {
        assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
        for (String host : new String[] {"127.0.0.1", dir.toString()}) {
            ExternalCommand.Result r = ExternalCommand.run(Duration.ofSeconds(30), PostgresExtension.SCRAM_PASSWORD,
                    List.of("psql", "-X", "-q", "-A", "-t", "-h", host, "-p", String.valueOf(port),
                            "-U", PostgresExtension.SCRAM_USER, "-d", PostgresExtension.DATABASE,
                            "-c", "SELECT current_user, current_database(), 1 + 1"));
            assertEquals(0, r.exitCode(), host + ": " + r.output());
            assertEquals(PostgresExtension.SCRAM_USER + "|" + PostgresExtension.DATABASE + "|2\n", r.output(), host);
        }
    }

    @Test
    void pgjdbcWorksAndTheAliasReachesItsDatabase() throws SQLException {
        for (String database : new String[] {PostgresExtension.DATABASE, "appdb"}) {
            try (Connection c = connect(database, PostgresExtension.SCRAM_PASSWORD);
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT current_user, current_database()")) {
                assertTrue(rs.next());
                assertEquals(PostgresExtension.SCRAM_USER, rs.getString(1));
                assertEquals(PostgresExtension.DATABASE, rs.getString(2), "through " + database);
            }
        }
    }

    @Test
    void wrongPasswordAndUnknownDatabaseAreRefusedWithPgBouncersErrors() {
        // auth_type = scram-sha-256: PgBouncer's text for a wrong proof is its SASL one.
        SQLException wrongPassword = assertThrows(SQLException.class,
                () -> connect(PostgresExtension.DATABASE, "not the password").close());
        assertEquals("08P01", wrongPassword.getSQLState(), wrongPassword.getMessage());
        assertTrue(wrongPassword.getMessage().contains("SASL authentication failed"), wrongPassword.getMessage());
        SQLException noDatabase = assertThrows(SQLException.class,
                () -> connect("nosuchdb", PostgresExtension.SCRAM_PASSWORD).close());
        assertEquals("08P01", noDatabase.getSQLState(), noDatabase.getMessage());
        assertTrue(noDatabase.getMessage().contains("no such database: nosuchdb"), noDatabase.getMessage());
    }

    @Test
    void writesThePidfileAndRemovesItAndTheSocketOnClose() throws Exception {
        Path pidfile = dir.resolve("pgbouncer.pid");
        Path socket = dir.resolve(".s.PGSQL." + port);
        assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(pidfile));
        assertTrue(Files.exists(socket));
        pgmux.close();
        pgmux = null;
        assertFalse(Files.exists(pidfile), "pidfile removed");
        assertFalse(Files.exists(socket), "Unix socket removed");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of("pgbouncer.ini", "userlist.txt"),
                    left.map(p -> p.getFileName().toString()).sorted(Comparator.naturalOrder()).toList());
        }
    }

    private Connection connect(String database, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", PostgresExtension.SCRAM_USER);
        props.setProperty("password", password);
        props.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }
}
