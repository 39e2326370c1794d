package io.pgmux.session;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Runs a task on every event loop, each with its loop's index, so that per-loop state is read and changed only on
 * its own loop; the answers are combined as they arrive and no loop waits for another.
 */
final class LoopTasks {
    private LoopTasks() {
    }

    /** Completes with each loop's answer, in loop order; fails if a task throws or a loop refuses it. */
    static <T> CompletableFuture<List<T>> onEveryLoop(EventLoop[] loops, IntFunction<T> task) {
        List<CompletableFuture<T>> parts = new ArrayList<>(loops.length);
        for (int i = 0; i < loops.length; i++) {
            int index = i;
            CompletableFuture<T> part = new CompletableFuture<>();
            try {
                loops[i].execute(() -> {
                    try {
                        part.complete(task.apply(index));
                    } catch (RuntimeException e) {
                        part.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) {
                part.completeExceptionally(e);
            }
            parts.add(part);
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            List<T> all = new ArrayList<>(parts.size());
            parts.forEach(p -> all.add(p.join()));
            return all;
        });
    }

    /** Runs {@code task} on every loop; completes when all have run. */
    static CompletableFuture<Void> runOnEveryLoop(EventLoop[] loops, IntConsumer task) {
        return onEveryLoop(loops, i -> {
            task.accept(i);
            return null;
        }).thenApply(done -> null);
    }
}
