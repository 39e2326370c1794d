package io.pgmux.session;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.pool.Pauses;
import io.pgmux.pool.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Periodic upkeep, once a second as in PgBouncer: each loop checks its own clients' timeouts and its own idle
 * servers; the first loop also does the pool-wide work (waiting clients, reserve pool, min_pool_size, eviction).
 * Kept apart from the data path, which never waits for it.
 */
public final class Janitor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Janitor.class.getName());
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    public Janitor(Engine engine, long periodMillis) {
        EventLoop[] loops = engine.loops();
        for (int i = 0; i < loops.length; i++) {
            int loopIndex = i;
            tasks.add(loops[i].scheduleAtFixedRate(() -> runSafely(engine, loopIndex),
                    periodMillis, periodMillis, TimeUnit.MILLISECONDS));
        }
    }

    private static void runSafely(Engine engine, int loopIndex) {
        if (engine.pools().pauses().mode() == Pauses.Mode.SUSPEND) {
            // As PgBouncer: no timeout fires on a connection that SUSPEND stopped.
            return;
        }
        try {
            long now = System.nanoTime();
            for (ClientSession client : new ArrayList<>(engine.loopClients(loopIndex))) {
                client.maintain(now);
            }
            for (Pool pool : engine.pools().pools()) {
                pool.maintainIdle(loopIndex, now);
            }
            if (loopIndex == 0) {
                engine.pools().maintain(now);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "janitor failed", e);
        }
    }

    @Override
    public void close() {
        tasks.forEach(t -> t.cancel(false));
    }
}
