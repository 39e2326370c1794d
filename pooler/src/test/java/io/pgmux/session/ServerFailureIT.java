package io.pgmux.session;

import static io.pgmux.testing.Sql.assertServes;
import static io.pgmux.testing.Sql.pid;
import static io.pgmux.testing.Sql.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.testing.Await;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.RawPgClient;
import io.pgmux.testing.Sql;
import io.pgmux.testing.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.util.PSQLException;

/**
 * PostgreSQL going away under pgmux: backends killed in the middle of a transaction, and the whole server restarted.
 * The clients that lose their server get the server's error and PgBouncer's, and are disconnected; the others carry
 * on, and pgmux serves new clients again once PostgreSQL does, without a restart of its own.
 */
@ExtendWith(PostgresExtension.class)
class ServerFailureIT {
    private static final String DB = PostgresExtension.DATABASE;
    private static final String USER = PostgresExtension.SCRAM_USER;
    /** SQLSTATE admin_shutdown: PostgreSQL's FATAL to a backend's client when it is terminated or shut down. */
    private static final String ADMIN_SHUTDOWN = "57P01";

    @Test
    void backendKilledMidTransactionFailsOnlyItsClient(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("pool_mode", "transaction")
                .set("auth_type", "trust").set("default_pool_size", "3").start();
             Connection monitor = postgres.superuser();
             RawPgClient victim = RawPgClient.connect(pgmux.port());
             Connection jdbcVictim = Sql.connect(pgmux);
             Connection other = Sql.connect(pgmux)) {
            victim.login(USER, DB);
            victim.queryValue("BEGIN");
            int victimPid = Integer.parseInt(victim.queryValue("SELECT pg_backend_pid()"));
            jdbcVictim.setAutoCommit(false);
            int jdbcVictimPid = pid(jdbcVictim);
            other.setAutoCommit(false);
            int otherPid = pid(other);
            Set<Integer> pids = new HashSet<>(List.of(victimPid, jdbcVictimPid, otherPid));
            assertEquals(3, pids.size(), "a server each");

            terminate(monitor, victimPid);
            terminate(monitor, jdbcVictimPid);
            assertServerErrorThenPgmuxError(victim);
            // A driver sees the first of the two on its next statement, and the connection is gone.
            SQLException e = assertThrows(SQLException.class, () -> pid(jdbcVictim));
            assertEquals(ADMIN_SHUTDOWN, e.getSQLState(), e::toString);
            assertFalse(jdbcVictim.isValid(2));

            // The other client's transaction carries on, on its own server.
            assertEquals(otherPid, pid(other));
            // The pool opens servers in place of the dead ones: two more transactions beside the open one.
            try (Connection a = Sql.connect(pgmux); Connection b = Sql.connect(pgmux)) {
                a.setAutoCommit(false);
                b.setAutoCommit(false);
                assertTrue(pids.add(pid(a)) && pids.add(pid(b)), "new servers: " + pids);
                a.commit();
                b.commit();
            }
            other.commit();
            assertServes(pgmux);
        }
    }

    @Test
    void theServersLastErrorReachesAClientOnAnotherEventLoop(TestPostgres postgres) throws Exception {
        // pgmux opens a server on the loop of the client that needs it: the opener's requests open the only server
        // (pool_size 1) on the opener's loop, and a victim on the other loop can only get that one, so the server's
        // bytes cross loops on their way to it. Whether its FATAL and its close arrive in one read is up to the
        // kernel, so the test kills several.
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).threads(2).set("pool_mode", "transaction")
                .set("auth_type", "trust").set("default_pool_size", "1").start();
             Connection monitor = postgres.superuser();
             RawPgClient opener = RawPgClient.connect(pgmux.port())) {
            int openerLoop = session(pgmux, opener.login(USER, DB)).loopIndex();
            for (int round = 0; round < 15; round++) {
                assertEquals("1", opener.queryValue("SELECT 1"));
                // Connections go to the loops in turn: one of two new clients is on the other loop.
                try (RawPgClient a = RawPgClient.connect(pgmux.port());
                     RawPgClient b = RawPgClient.connect(pgmux.port())) {
                    boolean aIsOnTheOtherLoop = session(pgmux, a.login(USER, DB)).loopIndex() != openerLoop;
                    boolean bIsOnTheOtherLoop = session(pgmux, b.login(USER, DB)).loopIndex() != openerLoop;
                    assertNotEquals(aIsOnTheOtherLoop, bIsOnTheOtherLoop);
                    RawPgClient victim = aIsOnTheOtherLoop ? a : b;
                    victim.queryValue("BEGIN");
                    terminate(monitor, Integer.parseInt(victim.queryValue("SELECT pg_backend_pid()")));
                    assertServerErrorThenPgmuxError(victim);
                }
            }
            assertEquals("1", opener.queryValue("SELECT 1"));
        }
    }

    @Test
    void postgresRestartIsSurvivedWithoutRestartingPgmux(TestPostgres postgres) throws Exception {
        int port = PgmuxServer.freePort();
        EmbeddedPostgres server = EmbeddedPostgres.builder().setPort(port).start();
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("auth_type", "trust")
                .set("server_login_retry", "1")
                .database("restart = host=127.0.0.1 port=" + port + " dbname=postgres").start()) {
            try (Connection held = connectRestartDb(pgmux)) {
                assertEquals("before", value(held, "SELECT 'before'"));
                server.close();
                // The session's server is gone: its client hears PostgreSQL's shutdown and is disconnected.
                SQLException e = assertThrows(SQLException.class, () -> value(held, "SELECT 1"));
                assertEquals(ADMIN_SHUTDOWN, e.getSQLState(), e::toString);
                assertFalse(held.isValid(2));

                // While PostgreSQL is down, a client fails at once with PgBouncer's error instead of waiting.
                SQLException down = assertThrows(SQLException.class, () -> {
                    try (Connection c = connectRestartDb(pgmux)) {
                        value(c, "SELECT 1");
                    }
                });
                String message = serverMessage(down);
                assertTrue(message.equals(PgBouncerErrors.CONNECT_FAILED)
                        || message.equals(PgBouncerErrors.loginFailing(PgBouncerErrors.CONNECT_FAILED)), message);

                server = EmbeddedPostgres.builder().setPort(port).start();
                Await.until(Duration.ofSeconds(30), "a query through the same pgmux once PostgreSQL is back", () -> {
                    try (Connection c = connectRestartDb(pgmux)) {
                        return "after".equals(value(c, "SELECT 'after'"));
                    } catch (SQLException retry) {
                        return false;
                    }
                });
            }
        } finally {
            server.close();
        }
    }

    /**
     * PostgreSQL's FATAL for a terminated backend reaches the client, then pgmux's (PgBouncer's text), then the
     * connection closes.
     */
    private static void assertServerErrorThenPgmuxError(RawPgClient victim) throws IOException {
        RawPgClient.ErrorResponse fromServer = victim.readError();
        assertEquals("FATAL", fromServer.severity());
        assertEquals(ADMIN_SHUTDOWN, fromServer.sqlState(), fromServer::toString);
        RawPgClient.ErrorResponse fromPgmux = victim.readError();
        assertEquals("FATAL", fromPgmux.severity());
        assertEquals(Sql.PROTOCOL_VIOLATION, fromPgmux.sqlState());
        assertEquals(PgBouncerErrors.SERVER_CONNECTION_CLOSED, fromPgmux.message());
        assertTrue(victim.closedByPeer());
    }

    /** The session pgmux keeps for a raw client, found by the cancel key in its login messages. */
    private static ClientSession session(PgmuxServer pgmux, List<RawPgClient.Message> login) {
        RawPgClient.Message key = login.stream().filter(m -> m.type() == 'K').findFirst().orElseThrow();
        ClientSession session = pgmux.pgmux().engine().cancels().find(key.intAt(0), key.intAt(4));
        assertNotNull(session, "pgmux knows the client by its cancel key");
        return session;
    }

    private static Connection connectRestartDb(PgmuxServer pgmux) throws SQLException {
        return Sql.connect(pgmux, "restart", "postgres", "");
    }

    private static void terminate(Connection monitor, int pid) throws SQLException {
        try (PreparedStatement ps = monitor.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            ps.execute();
        }
    }

    private static String serverMessage(SQLException e) {
        PSQLException pe = assertInstanceOf(PSQLException.class, e);
        assertNotNull(pe.getServerErrorMessage(), () -> "no ErrorResponse reached the client: " + e);
        assertEquals(Sql.PROTOCOL_VIOLATION, pe.getSQLState());
        return pe.getServerErrorMessage().getMessage();
    }
}
