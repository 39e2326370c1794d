package io.pgmux.session;

import io.pgmux.pool.Pool;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The WAIT_CLOSE commands waiting until no server of their database (of any when null) is marked close_needed.
 * Each loop counts its own servers; the count is taken when the command arrives and again whenever a marked server
 * is gone, so nothing polls.
 */
final class CloseWaits {
    private final Engine engine;
    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();

    private record Waiting(String database, CompletableFuture<Void> closed) {
    }

    CloseWaits(Engine engine) {
        this.engine = engine;
    }

    /** Completes once no server of {@code database} (all when null) has close_needed set. */
    CompletableFuture<Void> await(String database) {
        Waiting w = new Waiting(database, new CompletableFuture<>());
        waiting.add(w);
        recount(w);
        return w.closed;
    }

    /** A server marked close_needed is gone: count again for each waiting command. */
    void serverGone() {
        waiting.forEach(this::recount);
    }

    private void recount(Waiting w) {
        LoopTasks.onEveryLoop(engine.loops(), i -> {
            int n = 0;
            for (Pool pool : engine.pools().pools()) {
                if (w.database == null || w.database.equals(pool.key().database())) {
                    n += pool.closeNeededCount(i);
                }
            }
            return n;
        }).whenComplete((counts, failure) -> {
            if (failure != null) {
                if (waiting.remove(w)) {
                    w.closed.completeExceptionally(failure);
                }
            } else if (counts.stream().mapToInt(Integer::intValue).sum() == 0 && waiting.remove(w)) {
                w.closed.complete(null);
            }
        });
    }
}
