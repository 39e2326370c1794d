package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.testing.BackendSampler;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Transaction pooling under load: many clients share few servers without losing data or leaking state. */
@ExtendWith(PostgresExtension.class)
class TransactionPoolingIT {
    private static final int CLIENTS = 500;
    private static final int POOL_SIZE = 10;
    private static final int TRANSACTIONS = 10;

    @Test
    void fiveHundredClientsOverTenServersLoseNothingAndShareNoState(TestPostgres postgres) throws Exception {
        try (Connection admin = postgres.superuser(); Statement st = admin.createStatement()) {
            st.execute("DROP TABLE IF EXISTS tx_rows");
            st.execute("CREATE TABLE tx_rows (client int, n int, tag text, PRIMARY KEY (client, n))");
            st.execute("GRANT ALL ON tx_rows TO " + PostgresExtension.SCRAM_USER);
        }
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).threads(2)
                .set("pool_mode", "transaction").set("default_pool_size", String.valueOf(POOL_SIZE))
                .set("max_client_conn", "1000").start();
             Connection monitor = postgres.superuser()) {
            ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
            try (BackendSampler servers = new BackendSampler(postgres, PostgresExtension.SCRAM_USER)) {
                List<Future<Integer>> clients = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    int id = i;
                    clients.add(threads.submit(() -> runClient(pgmux, id)));
                }
                int committed = 0;
                for (Future<Integer> f : clients) {
                    committed += f.get(300, TimeUnit.SECONDS);
                }
                assertEquals(CLIENTS * TRANSACTIONS, committed);
                assertTrue(servers.max() >= 1 && servers.max() <= POOL_SIZE, "servers seen at once: " + servers.max());
            } finally {
                threads.shutdownNow();
            }
            try (Statement st = monitor.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT count(*), count(*) FILTER (WHERE tag = client || '-' || n) FROM tx_rows")) {
                rs.next();
                assertEquals(CLIENTS * TRANSACTIONS, rs.getInt(1), "every committed row is there");
                assertEquals(CLIENTS * TRANSACTIONS, rs.getInt(2), "every row carries its own transaction's tag");
            }
        }
    }

    private static int runClient(PgmuxServer pgmux, int id) throws SQLException {
        int committed = 0;
        // Unnamed statements only: named ones through transaction pooling come with their own issue.
        try (Connection c = pgmux.connect(PostgresExtension.DATABASE + "?prepareThreshold=0",
                PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement();
                 PreparedStatement insert = c.prepareStatement(
                         "INSERT INTO tx_rows VALUES (?, ?, current_setting('pgmux.tag'))")) {
                for (int n = 0; n < TRANSACTIONS; n++) {
                    String tag = id + "-" + n;
                    try (ResultSet rs = st.executeQuery("SELECT current_setting('pgmux.tag', true)")) {
                        rs.next();
                        String before = rs.getString(1);
                        assertTrue(before == null || before.isEmpty(),
                                "no transaction-local state from another client: " + before);
                    }
                    st.execute("SET LOCAL pgmux.tag = '" + tag + "'");
                    insert.setInt(1, id);
                    insert.setInt(2, n);
                    insert.executeUpdate();
                    try (ResultSet rs = st.executeQuery("SELECT current_setting('pgmux.tag')")) {
                        rs.next();
                        assertEquals(tag, rs.getString(1));
                    }
                    c.commit();
                    committed++;
                }
            }
        }
        return committed;
    }

    @Test
    void statementModeRunsAutocommitStatementsAndRefusesTransactions(TestPostgres postgres) throws SQLException {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("pool_mode", "statement")
                .set("default_pool_size", "2").start()) {
            try (Connection c = pgmux.connect(); Statement st = c.createStatement()) {
                for (int i = 0; i < 20; i++) {
                    try (ResultSet rs = st.executeQuery("SELECT " + i)) {
                        rs.next();
                        assertEquals(i, rs.getInt(1));
                    }
                }
            }
            try (Connection c = pgmux.connect(); Statement st = c.createStatement()) {
                SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> {
                    st.execute("BEGIN");
                    st.execute("SELECT 1");
                });
                assertEquals("08P01", e.getSQLState());
                assertTrue(e.getMessage().contains("transaction blocks not allowed in statement pooling mode"),
                        e.getMessage());
                assertFalse(c.isValid(1));
            }
            try (Connection c = pgmux.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT 'still fine'")) {
                rs.next();
                assertEquals("still fine", rs.getString(1));
            }
        }
    }
}
