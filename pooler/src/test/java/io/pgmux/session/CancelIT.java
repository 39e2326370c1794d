package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.testing.Await;
import io.pgmux.testing.PgWireClient;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.jdbc.PgConnection;

/**
 * Query cancellation through pgmux: a CancelRequest carries the key pgmux gave the client, and pgmux forwards it
 * with the server's own key to the server the client holds, as PgBouncer does. The cancel arrives on a connection of
 * its own, which pgmux's two loops accept in turn, so it is often handled on another loop than the client's.
 */
@ExtendWith(PostgresExtension.class)
class CancelIT {
    /** Long enough that only a cancel ends it within the test's time limit. */
    private static final String LONG_QUERY = "SELECT pg_sleep(30)";

    private static PgmuxServer pgmux;
    private static ExecutorService executor;

    @BeforeAll
    static void start(TestPostgres postgres) {
        pgmux = PgmuxServer.builder(postgres).set("default_pool_size", "4").start();
        executor = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
        pgmux.close();
    }

    /**
     * @param cancelOnTheClientsLoop pgmux's two loops take accepted connections in turn, so the cancel connection
     *                               lands on the client's loop when one more connection is accepted in between
     */
    @ParameterizedTest(name = "cancel on the client''s loop: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(25)
    @SuppressWarnings("try") // the spare connection only has to exist
    void statementCancelFromAnotherThreadCancelsTheRunningQuery(boolean cancelOnTheClientsLoop, TestPostgres postgres)
            throws Exception {
        try (Connection c = pgmux.connect(); Statement st = c.createStatement();
             Connection superuser = postgres.superuser();
             Connection spare = cancelOnTheClientsLoop ? pgmux.connect() : null) {
            int backend = backendPid(c);
            Future<?> running = executor.submit(() -> st.executeQuery(LONG_QUERY));
            awaitRunning(superuser, backend, LONG_QUERY);

            st.cancel();

            SQLException error = (SQLException) assertThrows(ExecutionException.class, running::get).getCause();
            assertEquals("57014", error.getSQLState(), "query_canceled, not " + error.getMessage());
            assertTrue(error.getMessage().contains("canceling statement due to user request"), error.getMessage());
            try (ResultSet rs = st.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
            }
            assertEquals(backend, backendPid(c), "the session keeps its server after the cancel");
        }
    }

    @Test
    @Timeout(25)
    void cancelInsideATransactionAbortsItAndTheSessionRecovers(TestPostgres postgres) throws Exception {
        try (Connection c = pgmux.connect(); Statement st = c.createStatement();
             Connection superuser = postgres.superuser()) {
            c.setAutoCommit(false);
            st.execute("CREATE TEMP TABLE cancel_tx (x int)");
            st.execute("INSERT INTO cancel_tx VALUES (1)");
            int backend = backendPid(c);
            Future<?> running = executor.submit(() -> st.executeQuery(LONG_QUERY));
            awaitRunning(superuser, backend, LONG_QUERY);

            st.cancel();

            SQLException error = (SQLException) assertThrows(
                    ExecutionException.class, running::get).getCause();
            assertEquals("57014", error.getSQLState());
            SQLException aborted = assertThrows(SQLException.class,
                    () -> st.executeQuery("SELECT 1"));
            assertEquals("25P02", aborted.getSQLState(), "in_failed_sql_transaction until the rollback");
            c.rollback();
            c.setAutoCommit(true);
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('pg_temp.cancel_tx') IS NULL")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1), "the rollback undid the transaction");
            }
        }
    }

    @Test
    @Timeout(25)
    void cancelForAClientWithoutAServerChangesNothing(TestPostgres postgres) throws Exception {
        try (Connection busy = pgmux.connect(); Statement busySt = busy.createStatement();
             Connection superuser = postgres.superuser()) {
            // Another client's query runs while the cancel is handled: a cancel sent to the wrong server would end it.
            int busyBackend = backendPid(busy);
            Future<Boolean> other = executor.submit(() -> busySt.execute("SELECT pg_sleep(2)"));
            awaitRunning(superuser, busyBackend, "SELECT pg_sleep(2)");

            // pgjdbc runs nothing at connect, and pgmux welcomes a client from the pool's cached parameters, so this
            // session has no server yet.
            try (Connection idle = pgmux.connect()) {
                idle.unwrap(PgConnection.class).cancelQuery();
                try (Statement st = idle.createStatement(); ResultSet rs = st.executeQuery("SELECT 42")) {
                    assertTrue(rs.next());
                    assertEquals(42, rs.getInt(1), "the client goes on as if nothing happened");
                }
            }
            assertTrue(other.get(), "the other client's query completed, uncanceled");
        }
    }

    @Test
    @Timeout(25)
    void cancelWithAnUnknownKeyIsClosedWithoutAnswer() throws Exception {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", pgmux.port());
        try (PgWireClient client = PgWireClient.connect(address)) {
            assertEquals(0, PgWireClient.cancel(address, client.processId() ^ 0x5A5A5A5A, client.secretKey()),
                    "pgmux closes a cancel connection without a reply");
            assertEquals(0, PgWireClient.cancel(address, client.processId(), client.secretKey()),
                    "a cancel for an idle client without a server, also silent");
            assertEquals("7", client.query("SELECT 3 + 4").single(), "the client is unaffected");
        }
    }

    @Test
    @Timeout(25)
    void cancelKeysAreNotTheServersKeys() throws Exception {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", pgmux.port());
        try (PgWireClient client = PgWireClient.connect(address)) {
            int backend = Integer.parseInt(client.query("SELECT pg_backend_pid()").single());
            assertNotEquals(backend, client.processId(), "PgBouncer hands out its own keys, not the server's pid");
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void awaitRunning(Connection superuser, int backend, String query) throws Exception {
        Await.until(Duration.ofSeconds(10), "the server running " + query, () -> {
            TestPostgres.Activity activity = TestPostgres.activity(superuser, backend);
            return "active".equals(activity.state()) && query.equals(activity.query());
        });
    }

}
