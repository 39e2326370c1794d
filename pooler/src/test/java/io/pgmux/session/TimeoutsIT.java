package io.pgmux.session;

import static io.pgmux.testing.Sql.assertFatal;
import static io.pgmux.testing.Sql.assertServes;
import static io.pgmux.testing.Sql.backendAlive;
import static io.pgmux.testing.Sql.pid;
import static io.pgmux.testing.Sql.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.testing.Await;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.RawPgClient;
import io.pgmux.testing.Sql;
import io.pgmux.testing.TestPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every PgBouncer timeout, each with a short value (the janitor runs once a second): what the client sees when it
 * fires (PgBouncer's SQLSTATE and text, or the result it should get), that it does not fire early or for the wrong
 * client, and that the pool serves a new client afterwards.
 */
@ExtendWith(PostgresExtension.class)
class TimeoutsIT {
    private static final String DB = PostgresExtension.DATABASE;
    private static final String USER = PostgresExtension.SCRAM_USER;
    private static final Duration WAIT = Duration.ofSeconds(10);

    // ---- client-side timeouts ----

    @Test
    void queryWaitTimeoutFailsAClientThatWaitsForAServer(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("default_pool_size", "1")
                .set("query_wait_timeout", "1").start();
             Connection holder = Sql.connect(pgmux)) {
            holder.setAutoCommit(false);
            int held = pid(holder);
            try (Connection waiter = Sql.connect(pgmux)) {
                long start = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> pid(waiter));
                assertFatal(e, PgBouncerErrors.QUERY_WAIT_TIMEOUT);
                assertAtLeast(Duration.ofSeconds(1), start, "the client waited query_wait_timeout first");
            }
            assertEquals(held, pid(holder), "the holder kept its server");
            holder.commit();
            assertServes(pgmux);
        }
    }

    @Test
    void queryTimeoutDropsTheQueryAndItsBackend(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("query_timeout", "1").start();
             Connection monitor = postgres.superuser();
             Connection c = Sql.connect(pgmux)) {
            c.setAutoCommit(false);
            int backend = pid(c);
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> value(c, "SELECT pg_sleep(30)"));
            assertFatal(e, PgBouncerErrors.QUERY_TIMEOUT);
            assertAtLeast(Duration.ofSeconds(1), start, "the query ran for query_timeout first");
            // Not only the connection: the query is cancelled, so the backend ends long before pg_sleep would.
            Await.until(WAIT, "backend " + backend + " gone from pg_stat_activity",
                    () -> !backendAlive(monitor, backend));
            assertServes(pgmux);
        }
    }

    @Test
    void clientIdleTimeoutClosesAnIdleClientAndNotABusyOne(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("auth_type", "trust")
                .set("client_idle_timeout", "1").start();
             RawPgClient idle = RawPgClient.connect(pgmux.port());
             RawPgClient busy = RawPgClient.connect(pgmux.port())) {
            idle.login(USER, DB);
            busy.login(USER, DB);
            long start = System.nanoTime();
            assertEquals("1", idle.queryValue("SELECT 1"));
            // A client that keeps sending queries is not idle, however long it stays.
            long end = System.nanoTime() + Duration.ofMillis(2500).toNanos();
            while (System.nanoTime() < end) {
                assertEquals("2", busy.queryValue("SELECT 2"));
                Thread.sleep(200);
            }
            assertFatalThenClose(idle, PgBouncerErrors.CLIENT_IDLE_TIMEOUT);
            assertAtLeast(Duration.ofSeconds(1), start, "idle for client_idle_timeout");
            assertEquals("3", busy.queryValue("SELECT 3"));
            assertServes(pgmux);
        }
    }

    @Test
    void idleTransactionTimeoutClosesTheClientAndItsServer(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("auth_type", "trust")
                .set("idle_transaction_timeout", "1").start();
             Connection monitor = postgres.superuser();
             RawPgClient inTransaction = RawPgClient.connect(pgmux.port());
             RawPgClient outside = RawPgClient.connect(pgmux.port())) {
            inTransaction.login(USER, DB);
            outside.login(USER, DB);
            assertEquals("1", outside.queryValue("SELECT 1"));
            inTransaction.queryValue("BEGIN");
            int backend = Integer.parseInt(inTransaction.queryValue("SELECT pg_backend_pid()"));
            long start = System.nanoTime();
            assertFatalThenClose(inTransaction, PgBouncerErrors.IDLE_TRANSACTION_TIMEOUT);
            assertAtLeast(Duration.ofSeconds(1), start, "idle in transaction for idle_transaction_timeout");
            // The server's transaction cannot be handed to anyone: it is closed, and PostgreSQL rolls it back.
            Await.until(WAIT, "backend " + backend + " gone", () -> !backendAlive(monitor, backend));
            // A client idle outside a transaction was idle just as long and is still served.
            assertEquals("2", outside.queryValue("SELECT 2"));
            assertServes(pgmux);
        }
    }

    @Test
    void transactionTimeoutEndsALongTransactionOfShortStatements(TestPostgres postgres) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (PgmuxServer pgmux = transactionPooling(postgres).set("transaction_timeout", "2").start();
             Connection inTransaction = Sql.connect(pgmux);
             Connection longStatement = Sql.connect(pgmux);
             Connection autocommit = Sql.connect(pgmux)) {
            // The same statements outside a transaction, for just as long, are not affected.
            Future<Integer> outside = threads.submit(() -> runFor(autocommit, Duration.ofSeconds(4)));
            // One statement is a transaction too, as PgBouncer counts it.
            Future<SQLException> single = threads.submit(() -> assertThrows(SQLException.class,
                    () -> value(longStatement, "SELECT pg_sleep(30)")));
            inTransaction.setAutoCommit(false);
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class,
                    () -> runFor(inTransaction, Duration.ofSeconds(15)));
            assertFatal(e, PgBouncerErrors.TRANSACTION_TIMEOUT);
            assertAtLeast(Duration.ofSeconds(2), start, "the transaction ran for transaction_timeout first");
            assertFatal(single.get(30, TimeUnit.SECONDS), PgBouncerErrors.TRANSACTION_TIMEOUT);
            assertTrue(outside.get(30, TimeUnit.SECONDS) > 0);
            assertServes(pgmux);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void clientLoginTimeoutClosesAClientThatNeverAnswersTheAuthRequest(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("client_login_timeout", "1").start();
             Connection loggedIn = Sql.connect(pgmux)) {
            long start = System.nanoTime();
            try (RawPgClient silent = RawPgClient.connect(pgmux.port())) {
                silent.send(RawPgClient.startupMessage(Map.of("user", USER, "database", DB)));
                RawPgClient.Message request = silent.readMessage();
                assertEquals('R', request.type());
                assertEquals(10, request.intAt(0), "AuthenticationSASL");
                assertFatalThenClose(silent, PgBouncerErrors.CLIENT_LOGIN_TIMEOUT);
            }
            assertAtLeast(Duration.ofSeconds(1), start, "client_login_timeout");
            // A client that logged in in time is not affected, however long ago that was.
            assertEquals("still here", value(loggedIn, "SELECT 'still here'"));
            assertServes(pgmux);
        }
    }

    // ---- server connections ----

    @Test
    void serverConnectTimeoutFailsClientsOfAServerThatNeverAnswers(TestPostgres postgres) throws Exception {
        // Accepts connections (the kernel completes them from the backlog) and never says a word.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             PgmuxServer pgmux = PgmuxServer.builder(postgres).set("server_connect_timeout", "1")
                     .set("server_login_retry", "30")
                     .database(DB + " = host=127.0.0.1 port=${pgport}")
                     .database("silent = host=127.0.0.1 port=" + silent.getLocalPort() + " dbname=" + DB)
                     .start()) {
            long start = System.nanoTime();
            SQLException first = assertThrows(SQLException.class, () -> Sql.connect(pgmux, "silent", USER,
                    PostgresExtension.SCRAM_PASSWORD));
            assertFatal(first, PgBouncerErrors.CONNECT_TIMEOUT);
            assertAtLeast(Duration.ofSeconds(1), start, "server_connect_timeout");
            SQLException next = assertThrows(SQLException.class, () -> Sql.connect(pgmux, "silent", USER,
                    PostgresExtension.SCRAM_PASSWORD));
            assertFatal(next, PgBouncerErrors.loginFailing(PgBouncerErrors.CONNECT_TIMEOUT));
            assertServes(pgmux, DB);
        }
    }

    @Test
    void serverConnectTimeoutCoversATcpConnectThatGetsNoAnswer(TestPostgres postgres) throws Exception {
        // A listener whose accept queue is full: the kernel drops further SYNs, so a connect neither succeeds nor
        // fails, as with a host behind a firewall that drops packets.
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            fillAcceptQueue(full, queued);
            try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("server_connect_timeout", "1")
                    .set("server_login_retry", "30")
                    .database(DB + " = host=127.0.0.1 port=${pgport}")
                    .database("dropped = host=127.0.0.1 port=" + full.getLocalPort() + " dbname=" + DB)
                    .start()) {
                long start = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> Sql.connect(pgmux, "dropped", USER,
                        PostgresExtension.SCRAM_PASSWORD));
                assertFatal(e, PgBouncerErrors.CONNECT_TIMEOUT);
                assertAtLeast(Duration.ofSeconds(1), start, "server_connect_timeout");
                assertServes(pgmux, DB);
            }
        } finally {
            for (Socket s : queued) {
                s.close();
            }
        }
    }

    @Test
    void serverLoginRetryFailsFastThenRetriesOnceItHasPassed(TestPostgres postgres) throws Exception {
        String role = "pgmux_retry";
        try (Connection admin = postgres.superuser(); Statement st = admin.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + role);
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'not yet'");
            try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("server_login_retry", "2")
                    .database(DB + " = host=127.0.0.1 port=${pgport}")
                    .database("retrydb = host=127.0.0.1 port=${pgport} dbname=" + DB + " user=" + role
                            + " password=configured")
                    .start()) {
                String serverError = "password authentication failed for user \"" + role + "\"";
                // The first client waits for the server's login and gets PostgreSQL's own error.
                SQLException first = assertThrows(SQLException.class, () -> connectRetryDb(pgmux));
                long failedAt = System.nanoTime();
                assertFatal(first, "28P01", serverError);
                // Within server_login_retry, clients fail at once with the cached error, even after the server was
                // fixed: pgmux does not try again before the retry time.
                SQLException cached = assertThrows(SQLException.class, () -> connectRetryDb(pgmux));
                assertFatal(cached, PgBouncerErrors.loginFailing(serverError));
                st.execute("ALTER ROLE " + role + " PASSWORD 'configured'");
                SQLException stillCached = assertThrows(SQLException.class, () -> connectRetryDb(pgmux));
                assertFatal(stillCached, PgBouncerErrors.loginFailing(serverError));
                assertServes(pgmux, DB);
                Await.until(WAIT, "a login to retrydb once server_login_retry has passed", () -> {
                    try (Connection c = connectRetryDb(pgmux)) {
                        return role.equals(value(c, "SELECT current_user"));
                    } catch (SQLException e) {
                        assertFatal(e, PgBouncerErrors.loginFailing(serverError));
                        return false;
                    }
                });
                assertAtLeast(Duration.ofSeconds(2), failedAt, "server_login_retry");
                assertServes(pgmux, "retrydb");
            } finally {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
                st.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void serverLifetimeReplacesAnOldIdleServer(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).threads(1).set("default_pool_size", "1")
                .set("server_lifetime", "2").start();
             Connection monitor = postgres.superuser()) {
            long start = System.nanoTime();
            try (Connection c = Sql.connect(pgmux)) {
                int first = pid(c);
                assertEquals(first, pid(c), "a young server is reused");
                Await.until(WAIT, "the old server closed while idle", () -> !backendAlive(monitor, first));
                assertAtLeast(Duration.ofSeconds(2), start, "server_lifetime");
                int second = pid(c);
                assertNotEquals(first, second, "a new server replaced the old one");
                assertEquals(second, pid(c));
            }
            assertServes(pgmux);
        }
    }

    @Test
    void serverIdleTimeoutClosesIdleServersDownToMinPoolSize(TestPostgres postgres) throws Exception {
        List<Connection> clients = new ArrayList<>();
        try (PgmuxServer pgmux = transactionPooling(postgres).set("default_pool_size", "6")
                .set("min_pool_size", "2").set("server_idle_timeout", "1").start();
             Connection monitor = postgres.superuser()) {
            Timestamp since = postgres.now(monitor);
            Set<Integer> opened = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                Connection c = Sql.connect(pgmux);
                clients.add(c);
                c.setAutoCommit(false);
                opened.add(pid(c));
            }
            assertEquals(6, opened.size(), "six servers at once, on both event loops");
            for (Connection c : clients) {
                c.commit();
            }
            Await.until(WAIT, "idle servers closed down to min_pool_size",
                    () -> postgres.backendsSince(monitor, USER, since) == 2);
            Await.during(Duration.ofMillis(2500), "min_pool_size servers kept",
                    () -> postgres.backendsSince(monitor, USER, since) == 2);
            // Kept, not closed with the others and opened again: the loops do not close too many between them.
            Set<Integer> kept = backendsOf(monitor, since);
            assertTrue(opened.containsAll(kept), "kept " + kept + " of " + opened);
            assertEquals("1", value(clients.get(0), "SELECT 1"));
            assertServes(pgmux);
        } finally {
            for (Connection c : clients) {
                c.close();
            }
        }
    }

    @Test
    void serverCheckQueryRunsBeforeAReleasedServerIsReused(TestPostgres postgres) throws Exception {
        try (Connection admin = postgres.superuser(); Statement st = admin.createStatement()) {
            st.execute("DROP SEQUENCE IF EXISTS pgmux_checks");
            st.execute("CREATE SEQUENCE pgmux_checks");
            st.execute("GRANT USAGE ON SEQUENCE pgmux_checks TO " + USER);
            try (PgmuxServer pgmux = transactionPooling(postgres).threads(1).set("default_pool_size", "1")
                    .set("server_check_delay", "0").set("server_check_query", "select nextval('pgmux_checks')")
                    .start();
                 Connection c = Sql.connect(pgmux)) {
                int backend = pid(c);
                assertEquals(0, checksRun(admin), "a server fresh from its login is not checked");
                for (int i = 1; i <= 4; i++) {
                    assertEquals(backend, pid(c), "the checked server is used");
                    assertEquals(i, checksRun(admin), "each reuse of a released server is checked");
                }
                assertServes(pgmux);
            } finally {
                st.execute("DROP SEQUENCE pgmux_checks");
            }
        }
    }

    @Test
    void serverCheckQueryThatFailsDropsTheServerOnceAndServesTheClient(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).threads(1).set("default_pool_size", "1")
                .set("server_check_delay", "0").set("server_check_query", "select 1/0").start();
             Connection monitor = postgres.superuser();
             Connection c = Sql.connect(pgmux)) {
            int previous = pid(c);
            for (int i = 0; i < 3; i++) {
                // The released server fails its check and is closed; a new one (not checked) runs the statement.
                int next = pid(c);
                assertNotEquals(previous, next);
                int dropped = previous;
                Await.until(WAIT, "the server that failed its check closed", () -> !backendAlive(monitor, dropped));
                previous = next;
            }
            assertServes(pgmux);
        }
    }

    @Test
    void serverResetQueryAlwaysResetsSessionStateInTransactionPooling(TestPostgres postgres) throws Exception {
        assertEquals("4321ms", statementTimeoutSeenByNextClient(postgres, false),
                "without server_reset_query_always a SET leaks to the next client of the server");
        assertEquals("0", statementTimeoutSeenByNextClient(postgres, true));
    }

    @Test
    void serversAreReusedLastInFirstOutByDefault(TestPostgres postgres) throws Exception {
        List<Integer> pids = backendsOfSuccessiveStatements(postgres, false);
        assertEquals(1, pids.stream().distinct().count(), "the most recently used server each time: " + pids);
    }

    @Test
    void serverRoundRobinTakesTurnsOverIdleServers(TestPostgres postgres) throws Exception {
        List<Integer> pids = backendsOfSuccessiveStatements(postgres, true);
        assertEquals(2, pids.stream().distinct().count(), "both servers used: " + pids);
        for (int i = 1; i < pids.size(); i++) {
            assertNotEquals(pids.get(i - 1), pids.get(i), "turns alternate: " + pids);
        }
    }

    // ---- helpers ----

    private static PgmuxServer.Builder transactionPooling(TestPostgres postgres) {
        return PgmuxServer.builder(postgres).set("pool_mode", "transaction");
    }

    private static Connection connectRetryDb(PgmuxServer pgmux) throws SQLException {
        return Sql.connect(pgmux, "retrydb", USER, PostgresExtension.SCRAM_PASSWORD);
    }

    /** Runs short statements on {@code c} for about {@code period}; returns how many ran. */
    private static int runFor(Connection c, Duration period) throws SQLException {
        long end = System.nanoTime() + period.toNanos();
        int n = 0;
        while (System.nanoTime() < end) {
            value(c, "SELECT pg_sleep(0.2)");
            n++;
        }
        return n;
    }

    /** One client SETs statement_timeout outside a transaction; what does the next client of that server see? */
    private static String statementTimeoutSeenByNextClient(TestPostgres postgres, boolean resetAlways)
            throws SQLException {
        try (PgmuxServer pgmux = transactionPooling(postgres).threads(1).set("default_pool_size", "1")
                .set("server_reset_query_always", resetAlways ? "1" : "0").start()) {
            int backend;
            try (Connection first = Sql.connect(pgmux)) {
                value(first, "SET statement_timeout = '4321ms'");
                backend = pid(first);
            }
            try (Connection next = Sql.connect(pgmux)) {
                assertEquals(backend, pid(next), "the same server");
                return value(next, "SHOW statement_timeout");
            }
        }
    }

    /**
     * Opens two servers (two transactions at once), then runs four statements one after the other and returns the
     * backend each one got.
     */
    private static List<Integer> backendsOfSuccessiveStatements(TestPostgres postgres, boolean roundRobin)
            throws SQLException {
        try (PgmuxServer pgmux = transactionPooling(postgres).threads(1).set("default_pool_size", "2")
                .set("server_round_robin", roundRobin ? "1" : "0").start()) {
            try (Connection a = Sql.connect(pgmux); Connection b = Sql.connect(pgmux)) {
                a.setAutoCommit(false);
                b.setAutoCommit(false);
                assertNotEquals(pid(a), pid(b));
                a.commit();
                b.commit();
            }
            List<Integer> pids = new ArrayList<>();
            try (Connection c = Sql.connect(pgmux)) {
                for (int i = 0; i < 4; i++) {
                    pids.add(pid(c));
                }
            }
            return pids;
        }
    }

    /** Connects to {@code listener} until a connect gets no answer: its accept queue is then full. */
    private static void fillAcceptQueue(ServerSocket listener, List<Socket> queued) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket socket = new Socket();
            queued.add(socket);
            try {
                socket.connect(listener.getLocalSocketAddress(), 200);
            } catch (SocketTimeoutException e) {
                return;
            }
        }
        throw new AssertionError("the accept queue of " + listener + " never filled up");
    }

    /** The process ids of the test user's backends started since {@code since}. */
    private static Set<Integer> backendsOf(Connection monitor, Timestamp since) throws SQLException {
        try (PreparedStatement ps = monitor.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE usename = ? AND backend_start >= ?")) {
            ps.setString(1, USER);
            ps.setTimestamp(2, since);
            Set<Integer> pids = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
            return pids;
        }
    }

    /** How many times the check query ran (it takes a number from the sequence each time). */
    private static int checksRun(Connection admin) throws SQLException {
        return Integer.parseInt(value(admin,
                "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM pgmux_checks"));
    }

    /** A FATAL 08P01 ErrorResponse with exactly this text, then the connection closes. */
    private static void assertFatalThenClose(RawPgClient client, String message) throws IOException {
        RawPgClient.ErrorResponse error = client.readError();
        assertEquals("FATAL", error.severity());
        assertEquals(Sql.PROTOCOL_VIOLATION, error.sqlState());
        assertEquals(message, error.message());
        assertTrue(client.closedByPeer(), "the connection closes after the error");
    }

    /**
     * At least {@code minimum} has passed since {@code startNanos}, taken before whatever starts pgmux's timer: the
     * timeout did not fire early. 50 ms of slack for the clocks of two threads.
     */
    private static void assertAtLeast(Duration minimum, long startNanos, String what) {
        long elapsed = System.nanoTime() - startNanos;
        assertTrue(elapsed >= minimum.toNanos() - 50_000_000L,
                what + ": expected at least " + minimum.toMillis() + " ms, was " + elapsed / 1_000_000 + " ms");
    }
}
