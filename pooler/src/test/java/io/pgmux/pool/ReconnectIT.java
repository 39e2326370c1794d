package io.pgmux.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RECONNECT's engine entry point ({@link Pool#reconnect}) and server_fast_close: servers are replaced once released,
 * and with server_fast_close a session loses its server at the end of its transaction.
 */
@ExtendWith(PostgresExtension.class)
class ReconnectIT {

    @Test
    void aSessionKeepsItsServerAndTheNextClientGetsANewOne(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("default_pool_size", "1").start()) {
            int before;
            try (Connection a = pgmux.connect()) {
                before = backendPid(a);
                reconnectAll(pgmux);
                Thread.sleep(1500);
                assertEquals(before, backendPid(a), "without server_fast_close the session keeps its server");
            }
            try (Connection b = pgmux.connect()) {
                assertNotEquals(before, backendPid(b), "the released server was closed, not reused");
            }
        }
    }

    @Test
    void serverFastCloseEndsTheSessionAtTheEndOfItsTransaction(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("default_pool_size", "1")
                .set("server_fast_close", "1").start()) {
            int before;
            try (Connection a = pgmux.connect()) {
                before = backendPid(a);
                reconnectAll(pgmux);
                SQLException e = assertThrows(SQLException.class, () -> {
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (System.nanoTime() < deadline) {
                        backendPid(a);
                        Thread.sleep(100);
                    }
                });
                assertTrue(e.getMessage().contains("database configuration changed")
                        || "08006".equals(e.getSQLState()), e.getMessage());
            }
            try (Connection b = pgmux.connect()) {
                assertNotEquals(before, backendPid(b));
            }
        }
    }

    @Test
    void transactionModeReplacesIdleServers(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("pool_mode", "transaction")
                .set("default_pool_size", "1").start();
             Connection c = pgmux.connect(PostgresExtension.DATABASE + "?prepareThreshold=0",
                     PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD)) {
            int before = backendPid(c);
            reconnectAll(pgmux);
            long deadline = System.nanoTime() + 10_000_000_000L;
            int after = before;
            while (after == before && System.nanoTime() < deadline) {
                Thread.sleep(100);
                after = backendPid(c);
            }
            assertNotEquals(before, after, "the same client's next transaction runs on a new server");
        }
    }

    private static void reconnectAll(PgmuxServer pgmux) {
        pgmux.pgmux().engine().pools().pools().forEach(Pool::reconnect);
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
