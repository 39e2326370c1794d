package io.pgmux.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients of the test database that each run one short query after another through pgmux, on their own threads and
 * connections, until closed; close reports the first query that failed.
 */
public final class QueryLoad implements AutoCloseable {
    private final ExecutorService threads;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong completed = new AtomicLong();
    private final ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();

    private QueryLoad(int clients) {
        threads = Executors.newFixedThreadPool(clients);
    }

    /** Starts {@code clients} clients, each running {@code sql} over and over. */
    public static QueryLoad start(PgmuxServer pgmux, int clients, String sql) {
        QueryLoad load = new QueryLoad(clients);
        for (int i = 0; i < clients; i++) {
            load.threads.execute(() -> load.run(pgmux, sql));
        }
        return load;
    }

    private void run(PgmuxServer pgmux, String sql) {
        try (Connection c = Sql.connect(pgmux)) {
            while (running.get()) {
                Sql.value(c, sql);
                completed.incrementAndGet();
            }
        } catch (SQLException | RuntimeException e) {
            failures.add(e);
        }
    }

    /** Queries completed so far, over all clients. */
    public long completed() {
        return completed.get();
    }

    /** Stops the clients after their current query; fails with the first query that failed, if one did. */
    @Override
    public void close() throws Exception {
        running.set(false);
        threads.shutdown();
        if (!threads.awaitTermination(60, TimeUnit.SECONDS)) {
            threads.shutdownNow();
            throw new AssertionError("the load's clients did not stop");
        }
        Exception first = failures.peek();
        if (first != null) {
            throw new AssertionError(failures.size() + " clients of the load failed, the first with: " + first,
                    first);
        }
    }
}
