package io.pgmux.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.testing.BackendSampler;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.sql.Connection;
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

/**
 * Many session clients over a small pool on two event loops: every client is served (waiting in line when the pool
 * is full), results are right, and PostgreSQL never sees more server connections than pool_size.
 */
@ExtendWith(PostgresExtension.class)
class PoolLimitIT {
    private static final int POOL_SIZE = 3;
    private static final int CLIENTS = 40;
    private static final int ROUNDS = 5;

    @Test
    void poolSizeIsAHardLimitAndEveryWaitingClientIsServed(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).threads(2)
                .set("default_pool_size", String.valueOf(POOL_SIZE)).set("max_client_conn", "200").start()) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try (BackendSampler servers = new BackendSampler(postgres, PostgresExtension.SCRAM_USER)) {
                List<Future<Integer>> clients = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    int id = i;
                    clients.add(pool.submit(() -> runClient(pgmux, id)));
                }
                int done = 0;
                for (Future<Integer> f : clients) {
                    done += f.get(120, TimeUnit.SECONDS);
                }
                assertEquals(CLIENTS * ROUNDS, done);
                assertTrue(servers.max() >= 1, "the sampler saw pgmux's servers");
                assertTrue(servers.max() <= POOL_SIZE, "at most " + POOL_SIZE + " servers, saw " + servers.max());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static int runClient(PgmuxServer pgmux, int id) throws SQLException {
        int done = 0;
        for (int round = 0; round < ROUNDS; round++) {
            try (Connection c = pgmux.connect(); Statement st = c.createStatement()) {
                st.execute("SET application_name = 'client-" + id + "'");
                try (ResultSet rs = st.executeQuery("SELECT " + id + " * 1000 + " + round
                        + ", current_setting('application_name'), pg_sleep(0.005)")) {
                    rs.next();
                    assertEquals(id * 1000 + round, rs.getInt(1));
                    assertEquals("client-" + id, rs.getString(2));
                    done++;
                }
            }
        }
        return done;
    }
}
