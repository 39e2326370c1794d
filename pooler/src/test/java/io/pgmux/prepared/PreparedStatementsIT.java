package io.pgmux.prepared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.testing.BackendSampler;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * pgjdbc with server-side prepared statements from the first execution (prepareThreshold=1) through transaction and
 * statement pooling: many clients share few servers, each client's named statements are prepared on whichever
 * server it gets, and every row comes back as PostgreSQL computed it.
 */
@ExtendWith(PostgresExtension.class)
class PreparedStatementsIT {
    private static final String URL_OPTIONS = "?prepareThreshold=1";

    @Test
    void twoHundredPgjdbcClientsOverFiveServersGetEveryRowRight(TestPostgres postgres) throws Exception {
        createTable(postgres, "ps_batch");
        int clients = 200;
        int rounds = 33;
        int texts = 30;
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("pool_mode", "transaction")
                .set("default_pool_size", "5").set("max_client_conn", "1000").start()) {
            ExecutorService threads = Executors.newFixedThreadPool(clients);
            try (BackendSampler servers = new BackendSampler(postgres, PostgresExtension.SCRAM_USER)) {
                List<Future<Integer>> runs = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    int id = i;
                    runs.add(threads.submit(() -> runClient(pgmux, id, rounds, texts)));
                }
                int executed = 0;
                for (Future<Integer> f : runs) {
                    executed += f.get(600, TimeUnit.SECONDS);
                }
                assertEquals(clients * rounds * (texts + 1), executed);
                assertTrue(servers.max() <= 5, "servers seen at once: " + servers.max());
            } finally {
                threads.shutdownNow();
            }
        }
        try (Connection c = postgres.superuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT client), sum(n) FROM ps_batch")) {
            rs.next();
            assertEquals(clients * rounds * 10, rs.getInt(1), "every batched row was inserted");
            assertEquals(clients, rs.getInt(2));
            assertEquals((long) clients * rounds * 55, rs.getLong(3));
        }
    }

    /** Each round: every text once, rows checked one by one, then a server-side prepared batch of 10 inserts. */
    private static int runClient(PgmuxServer pgmux, int id, int rounds, int texts) throws SQLException {
        int executed = 0;
        try (Connection c = connect(pgmux)) {
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < texts; k++) {
                    int rows = 1 + (id + round + k) % 7;
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT g, g * " + k + " AS product, $$q" + k + ":$$ || ?::text AS tag"
                                    + " FROM generate_series(1, ?::int) g ORDER BY g")) {
                        ps.setString(1, id + "/" + round);
                        ps.setInt(2, rows);
                        try (ResultSet rs = ps.executeQuery()) {
                            for (int g = 1; g <= rows; g++) {
                                assertTrue(rs.next(), "row " + g + " of " + rows);
                                assertEquals(g, rs.getInt(1));
                                assertEquals(g * k, rs.getInt(2));
                                assertEquals("q" + k + ":" + id + "/" + round, rs.getString(3));
                            }
                            assertFalse(rs.next());
                        }
                    }
                    executed++;
                }
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO ps_batch VALUES (?, ?, ?)")) {
                    for (int n = 1; n <= 10; n++) {
                        insert.setInt(1, id);
                        insert.setInt(2, round);
                        insert.setInt(3, n);
                        insert.addBatch();
                    }
                    int[] counts = insert.executeBatch();
                    assertEquals(10, counts.length);
                }
                c.commit();
                c.setAutoCommit(true);
                executed++;
            }
        }
        return executed;
    }

    @Test
    void fiftyStatementsCyclingThroughAnLruOfFiveStayCorrect(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("pool_mode", "transaction")
                .set("default_pool_size", "2").set("max_prepared_statements", "5").start()) {
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> runs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int id = i;
                    runs.add(threads.submit(() -> cycle(pgmux, id)));
                }
                for (Future<Integer> f : runs) {
                    assertTrue(f.get(300, TimeUnit.SECONDS) <= 5, "statements seen on one server");
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /** Runs 50 texts five times over, checking each result; returns the most PGBOUNCER_ statements one server had. */
    private static int cycle(PgmuxServer pgmux, int id) throws SQLException {
        int most = 0;
        try (Connection c = connect(pgmux)) {
            for (int round = 0; round < 5; round++) {
                for (int k = 0; k < 50; k++) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT ?::int * " + k + " + " + id)) {
                        ps.setInt(1, round);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            assertEquals(round * k + id, rs.getInt(1));
                        }
                    }
                    if (k % 10 == 9) {
                        most = Math.max(most, preparedOnServer(c));
                    }
                }
            }
        }
        return most;
    }

    /**
     * pgmux's statements on the server that runs this query, not counting the query itself (pgjdbc prepares it too,
     * as prepareThreshold=1 says).
     */
    private static int preparedOnServer(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'PGBOUNCER\\_%'"
                        + " AND statement NOT LIKE '%pg_prepared_statements%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void statementPoolingRunsNamedStatements(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("pool_mode", "statement")
                .set("default_pool_size", "2").start()) {
            ExecutorService threads = Executors.newFixedThreadPool(20);
            try {
                List<Future<Integer>> runs = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    int id = i;
                    runs.add(threads.submit(() -> {
                        int sum = 0;
                        try (Connection c = connect(pgmux)) {
                            for (int n = 0; n < 100; n++) {
                                try (PreparedStatement ps = c.prepareStatement(
                                        "SELECT ?::int + " + (n % 10) + ", current_setting('application_name')")) {
                                    ps.setInt(1, id);
                                    try (ResultSet rs = ps.executeQuery()) {
                                        rs.next();
                                        assertEquals(id + n % 10, rs.getInt(1));
                                        sum++;
                                    }
                                }
                            }
                        }
                        return sum;
                    }));
                }
                for (Future<Integer> f : runs) {
                    assertEquals(100, f.get(300, TimeUnit.SECONDS));
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void aResetQueryThatDiscardsEverythingMakesPgmuxPrepareAgain(TestPostgres postgres) throws Exception {
        // DISCARD ALL after every transaction drops the server's statements: pgmux must notice and prepare anew.
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("pool_mode", "transaction")
                .set("default_pool_size", "1").set("server_reset_query_always", "1").start();
             Connection c = connect(pgmux);
             PreparedStatement ps = c.prepareStatement("SELECT ?::int * 3")) {
            for (int i = 0; i < 20; i++) {
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(i * 3, rs.getInt(1));
                }
                assertEquals(0, preparedOnServer(c), "DISCARD ALL ran after the previous transaction");
            }
        }
    }

    private static Connection connect(PgmuxServer pgmux) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", PostgresExtension.SCRAM_USER);
        props.setProperty("password", PostgresExtension.SCRAM_PASSWORD);
        props.setProperty("sslmode", "disable");
        return DriverManager.getConnection(pgmux.url(PostgresExtension.DATABASE) + URL_OPTIONS, props);
    }

    private static void createTable(TestPostgres postgres, String name) throws SQLException {
        try (Connection c = postgres.superuser(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + name);
            st.execute("CREATE TABLE " + name + " (client int, round int, n int)");
            st.execute("GRANT ALL ON " + name + " TO " + PostgresExtension.SCRAM_USER);
        }
    }
}
