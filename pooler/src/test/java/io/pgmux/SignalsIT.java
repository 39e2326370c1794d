package io.pgmux;

import static io.pgmux.testing.Sql.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.pgmux.testing.Await;
import io.pgmux.testing.PgmuxProcess;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.SimpleQueryClient;
import io.pgmux.testing.Sql;
import io.pgmux.testing.TestPostgres;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PgBouncer's signals sent with kill(1) to pgmux started the documented way (the launcher next to the jar, which runs
 * the JVM as its child and passes the signals on, or execs it under systemd), with what a user sees: the log lines,
 * the exit code, the client in the middle of a transaction that commits, and the clients that are refused.
 */
@ExtendWith(PostgresExtension.class)
class SignalsIT {
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin pass";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** SQLSTATE pgjdbc gives a connection that cannot be made (connection refused). */
    private static final String CANNOT_CONNECT = "08001";
    /** SQLSTATE pgjdbc gives a connection that broke. */
    private static final String CONNECTION_FAILURE = "08006";

    private int port;
    private Path ini;
    private Path pidfile;

    @BeforeEach
    void writeConfig(TestPostgres postgres, @TempDir Path dir) throws Exception {
        assumeTrue(PgmuxProcess.built(), "the launcher and the jar are built by the package phase");
        port = PgmuxServer.freePort();
        pidfile = dir.resolve("pgmux.pid");
        Path userlist = dir.resolve("userlist.txt");
        Files.writeString(userlist, "\"" + PostgresExtension.SCRAM_USER + "\" \"" + PostgresExtension.SCRAM_PASSWORD
                + "\"\n\"" + ADMIN + "\" \"" + ADMIN_PASSWORD + "\"\n");
        ini = PgmuxProcess.writeIni(dir, postgres, port,
                "auth_type = plain",
                "auth_file = " + userlist,
                "admin_users = " + ADMIN,
                "pool_mode = transaction",
                "pidfile = " + pidfile,
                "ignore_startup_parameters = extra_float_digits");
    }

    private PgmuxProcess launch() throws Exception {
        PgmuxProcess pgmux = PgmuxProcess.launch(ini, Map.of());
        Await.until(WAIT, "pgmux serves logins", () -> Files.exists(pidfile) && servesLogins());
        return pgmux;
    }

    @Test
    void sigtermWaitsUntilTheLastClientHasLeft() throws Exception {
        try (PgmuxProcess pgmux = launch(); Connection client = connect()) {
            client.setAutoCommit(false);
            assertEquals("1", value(client, "SELECT 1"));

            pgmux.signal("TERM");
            pgmux.awaitOutput(WAIT, "LOG got SIGTERM, shutting down, waiting for all clients disconnect");
            pgmux.awaitOutput(WAIT, "LOG stopped listening on 127.0.0.1:" + port);
            assertEquals(CANNOT_CONNECT, assertThrows(SQLException.class, this::connect).getSQLState());
            assertEquals("2", value(client, "SELECT 2"), "the transaction goes on");
            client.commit();
            assertEquals("3", value(client, "SELECT 3"), "and so does the client");
            Await.during(Duration.ofSeconds(1), "pgmux runs while a client is connected", pgmux::isAlive);

            client.close();
            assertEquals(0, pgmux.awaitExit(WAIT), pgmux.output());
            assertTrue(pgmux.output().contains("LOG client connections dropped, exiting"), pgmux.output());
            assertTrue(Files.notExists(pidfile), "pidfile removed");
        }
    }

    @Test
    void sigintWaitsUntilTheTransactionReleasesItsServer() throws Exception {
        try (PgmuxProcess pgmux = launch(); Connection client = connect()) {
            client.setAutoCommit(false);
            assertEquals("1", value(client, "SELECT 1"));

            pgmux.signal("INT");
            pgmux.awaitOutput(WAIT,
                    "LOG got SIGINT, shutting down, waiting for all servers connections to be released");
            pgmux.awaitOutput(WAIT, "LOG stopped listening on 127.0.0.1:" + port);
            assertEquals(CANNOT_CONNECT, assertThrows(SQLException.class, this::connect).getSQLState());
            assertEquals("2", value(client, "SELECT 2"), "the transaction keeps its server");
            assertTrue(pgmux.isAlive(), "the server is still in use");
            client.commit();

            assertEquals(0, pgmux.awaitExit(WAIT), pgmux.output());
            assertTrue(pgmux.output().contains("LOG server connections dropped, exiting"), pgmux.output());
            assertEquals(CONNECTION_FAILURE,
                    assertThrows(SQLException.class, () -> value(client, "SELECT 3")).getSQLState());
        }
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    void aSecondShutdownSignalExitsAtOnce(String signal) throws Exception {
        try (PgmuxProcess pgmux = launch(); Connection client = connect()) {
            client.setAutoCommit(false);
            assertEquals("1", value(client, "SELECT 1"));
            pgmux.signal(signal);
            pgmux.awaitOutput(WAIT, "LOG got SIG" + signal + ", shutting down");

            pgmux.signal(signal);
            assertEquals(0, pgmux.awaitExit(WAIT), pgmux.output());
            assertTrue(pgmux.output().contains("LOG got SIG" + signal + " while shutting down, fast exit"),
                    pgmux.output());
            assertTrue(Files.notExists(pidfile), "pidfile removed");
            assertCutOff(client);
        }
    }

    @Test
    void sigusr1PausesAndSigusr2Resumes() throws Exception {
        try (PgmuxProcess pgmux = launch(); Connection client = connect();
                SimpleQueryClient admin = SimpleQueryClient.login(port, "pgbouncer", ADMIN, ADMIN_PASSWORD)) {
            assertEquals("1", value(client, "SELECT 1"));
            pgmux.signal("USR1");
            pgmux.awaitOutput(WAIT, "LOG got SIGUSR1, pausing all activity");
            assertEquals("yes", admin.query("SHOW STATE").pairs().get("paused"));
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return value(client, "SELECT 'resumed'");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until(WAIT, "the client waits", () -> "1".equals(admin.query("SHOW POOLS").maps().stream()
                    .filter(p -> PostgresExtension.DATABASE.equals(p.get("database"))).findFirst()
                    .orElseThrow().get("cl_waiting")));

            pgmux.signal("USR2");
            assertEquals("resumed", waiting.get(20, TimeUnit.SECONDS));
            assertTrue(pgmux.output().contains("LOG got SIGUSR2, continuing from PAUSE"), pgmux.output());
            assertEquals("yes", admin.query("SHOW STATE").pairs().get("active"));
            assertTrue(pgmux.isAlive());
        }
    }

    @Test
    void sigquitToThePidfilesProcessExitsAtOnce() throws Exception {
        try (PgmuxProcess pgmux = launch(); Connection client = connect()) {
            assertEquals(pgmux.pid() + "\n", Files.readString(pidfile), "the pidfile names the launcher");
            ProcessHandle jvm = pgmux.child();
            assertFalse(pgmux.output().contains("SIGQUIT prints a JVM thread dump"), pgmux.output());
            client.setAutoCommit(false);
            assertEquals("1", value(client, "SELECT 1"));

            pgmux.signal("QUIT");
            assertEquals(0, pgmux.awaitExit(WAIT), pgmux.output());
            assertTrue(pgmux.output().contains("LOG got SIGQUIT, fast exit"), pgmux.output());
            assertFalse(pgmux.output().contains("Full thread dump"), pgmux.output());
            assertFalse(jvm.isAlive(), "the launcher exits after pgmux");
            assertTrue(Files.notExists(pidfile), "pidfile removed");
            assertCutOff(client);
        }
    }

    @Test
    void aShutdownSignalDuringSuspendExitsWithStatus1() throws Exception {
        try (PgmuxProcess pgmux = launch();
                SimpleQueryClient admin = SimpleQueryClient.login(port, "pgbouncer", ADMIN, ADMIN_PASSWORD)) {
            assertEquals("SUSPEND", admin.query("SUSPEND").tag());
            pgmux.signal("INT");
            assertEquals(1, pgmux.awaitExit(WAIT), pgmux.output());
            assertTrue(pgmux.output().contains("suspend was in progress, going down immediately"), pgmux.output());
        }
    }

    @Test
    void pgmuxExitsWhenItsLauncherIsKilled() throws Exception {
        try (PgmuxProcess pgmux = launch()) {
            ProcessHandle jvm = pgmux.child();
            pgmux.signal("KILL");
            Await.until(WAIT, "pgmux exits", () -> !jvm.isAlive());
            assertTrue(pgmux.output().contains("LOG launcher (pid " + pgmux.pid() + ") is gone, fast exit"),
                    pgmux.output());
            assertTrue(Files.notExists(pidfile), "pidfile removed");
        }
    }

    @Test
    void withoutTheLauncherSigusr2StaysTheJvmsAndPgmuxSaysSo() throws Exception {
        try (PgmuxProcess pgmux = PgmuxProcess.javaJar(ini)) {
            Await.until(WAIT, "pgmux serves logins", this::servesLogins);
            assertTrue(pgmux.output().contains("WARNING SIGUSR2 is the JVM's thread suspend signal unless "
                    + "_JAVA_SR_SIGNUM moves it, as the packaging/pgmux launcher does: use RESUME on the admin "
                    + "console"), pgmux.output());
        }
    }

    @Test
    void underSystemdTheJvmIsExecdAndTellsReadyReloadingAndStopping() throws Exception {
        assumeTrue(Epoll.isAvailable(), "Unix datagrams need Netty's native transport");
        Path notifySocket = ini.resolveSibling("notify.sock");
        Socket systemd = Socket.newSocketDomainDgram();
        try {
            systemd.bind(new DomainSocketAddress(notifySocket.toFile()));
            try (PgmuxProcess pgmux = PgmuxProcess.launch(ini, Map.of("NOTIFY_SOCKET", notifySocket.toString()))) {
                assertEquals("READY=1", receive(systemd));
                assertTrue(pgmux.command().endsWith("/bin/java"), "the launcher execs " + pgmux.command());
                assertTrue(servesLogins(), "READY=1 comes once pgmux listens");
                assertTrue(pgmux.output().contains("WARNING SIGQUIT prints a JVM thread dump and cannot be handled: "
                        + "use SHUTDOWN"), pgmux.output());
                pgmux.signal("QUIT");
                pgmux.awaitOutput(WAIT, "Full thread dump");
                pgmux.signal("HUP");
                String reloading = receive(systemd);
                assertTrue(reloading.matches("RELOADING=1\nMONOTONIC_USEC=\\d+"), reloading);
                assertEquals("READY=1", receive(systemd));
                pgmux.signal("TERM");
                assertEquals("STOPPING=1", receive(systemd));
                assertEquals(0, pgmux.awaitExit(WAIT), pgmux.output());
            }
        } finally {
            systemd.close();
        }
    }

    /** The next datagram on a non-blocking socket. */
    private static String receive(Socket socket) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocateDirect(512);
        DomainDatagramSocketAddress[] from = new DomainDatagramSocketAddress[1];
        Await.until(WAIT, "a notification", () -> (from[0] = socket.recvFromDomainSocket(buffer, 0, 512)) != null);
        byte[] bytes = new byte[from[0].receivedAmount()];
        buffer.get(0, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The client's open transaction was cut off by a fast exit: its next query fails and its connection is closed.
     * Depending on whether pgmux closes the client's connection or its server's first, the client sees its
     * connection closed (08006) or PgBouncer's "server conn crashed?" (08P01).
     */
    private static void assertCutOff(Connection client) throws SQLException {
        assertThrows(SQLException.class, () -> value(client, "SELECT 2"));
        assertTrue(client.isClosed(), "the open transaction was cut off");
    }

    private Connection connect() throws SQLException {
        return Sql.connect("jdbc:postgresql://127.0.0.1:" + port + "/" + PostgresExtension.DATABASE,
                PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD);
    }

    private boolean servesLogins() {
        try (Connection c = connect()) {
            return "1".equals(value(c, "SELECT 1"));
        } catch (SQLException e) {
            return false;
        }
    }
}
