package io.pgmux.session;

import io.pgmux.pool.Pauses;
import io.pgmux.pool.Pool;
import io.pgmux.protocol.PgBouncerErrors;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * PAUSE, RESUME and KILL as they act on the pools, and the PAUSE commands that wait until no server of their
 * database (of any database for a PAUSE of all) is left. A waiting PAUSE is checked again each time a server of a
 * paused pool is gone, on that server's loop; no loop polls.
 */
final class Pausing {
    private final Engine engine;
    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();

    /** A PAUSE that answers once {@code database} (all when null) is paused and has no server left. */
    private record Waiting(String database, CompletableFuture<Void> drained) {
    }

    Pausing(Engine engine) {
        this.engine = engine;
    }

    private Pauses pauses() {
        return engine.pools().pauses();
    }

    /** Closes the idle servers of the paused database (all when null); the others close as they are released. */
    void closeIdle(String database) {
        for (Pool pool : engine.pools().pools()) {
            if (database == null || database.equals(pool.key().database())) {
                pool.closeIdleServers(Pool.PAUSE_MODE);
            }
        }
    }

    /** Completes once the paused database (all when null) has no server left, which may be at once. */
    CompletableFuture<Void> awaitDrained(String database) {
        Waiting w = new Waiting(database, new CompletableFuture<>());
        waiting.add(w);
        serverGone();
        return w.drained;
    }

    /** A server of a paused pool is gone: answer each PAUSE whose servers are all gone. */
    void serverGone() {
        for (Waiting w : waiting) {
            if (drained(w.database) && waiting.remove(w)) {
                w.drained.complete(null);
            }
        }
    }

    private boolean drained(String database) {
        boolean paused = database == null ? pauses().mode() == Pauses.Mode.PAUSE : pauses().paused(database);
        if (!paused) {
            return false;
        }
        for (Pool pool : engine.pools().pools()) {
            if ((database == null || database.equals(pool.key().database())) && pool.serverCount() > 0) {
                return false;
            }
        }
        return true;
    }

    /** Servers over every pool, open or opening. */
    int serverCount() {
        int n = 0;
        for (Pool pool : engine.pools().pools()) {
            n += pool.serverCount();
        }
        return n;
    }

    /** After RESUME (of all or one database): clients waiting in pools no longer paused get servers. */
    void resumePools() {
        for (Pool pool : engine.pools().pools()) {
            pool.resume();
        }
    }

    /**
     * KILL: every client of the database's pools (all pools when null) is dropped with PgBouncer's "database
     * removed", then every server; the caller has paused the database first, so nothing reconnects. Clients go
     * first so that each hears why, not that its server vanished.
     */
    CompletableFuture<Void> kill(String database) {
        return LoopTasks.runOnEveryLoop(engine.loops(), i -> {
            for (ClientSession client : new ArrayList<>(engine.loopClients(i))) {
                Pool pool = client.pool();
                if (pool != null && (database == null || database.equals(pool.key().database()))) {
                    client.kill(PgBouncerErrors.DATABASE_REMOVED);
                }
            }
        }).thenCompose(clientsGone -> LoopTasks.runOnEveryLoop(engine.loops(), i -> {
            for (Pool pool : engine.pools().pools()) {
                if (database == null || database.equals(pool.key().database())) {
                    pool.closeServers(i, true, PgBouncerErrors.DATABASE_REMOVED);
                }
            }
        }));
    }
}
