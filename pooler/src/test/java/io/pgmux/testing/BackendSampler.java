package io.pgmux.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Samples, on its own thread and a direct superuser connection, how many backends of one user PostgreSQL has that
 * were started since the sampler began: the servers of the pgmux under test. Close it to stop and get the maximum.
 */
public final class BackendSampler implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger max = new AtomicInteger();
    private final Connection monitor;
    private final Thread thread;
    private volatile SQLException failure;

    public BackendSampler(TestPostgres postgres, String user) throws SQLException {
        monitor = postgres.superuser();
        Timestamp since = postgres.now(monitor);
        thread = new Thread(() -> {
            try {
                while (running.get()) {
                    max.accumulateAndGet(postgres.backendsSince(monitor, user, since), Math::max);
                    Thread.sleep(5);
                }
            } catch (SQLException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "backend-sampler");
        thread.start();
    }

    /** The most backends seen at once so far. */
    public int max() throws SQLException {
        if (failure != null) {
            throw failure;
        }
        return max.get();
    }

    @Override
    public void close() throws SQLException {
        running.set(false);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        monitor.close();
    }
}
