package io.pgmux.session;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * Reads what only each event loop may touch: a task on every loop, the answers combined as they arrive, so no loop
 * waits for another. Each loop's answer is handed over through its future, which publishes it safely.
 */
final class LoopTasks {
    private LoopTasks() {
    }

    /** Runs {@code task} on every loop with the loop's index; completes with the answers in loop order. */
    static <T> CompletableFuture<List<T>> onEveryLoop(EventLoop[] loops, IntFunction<List<T>> task) {
        List<CompletableFuture<List<T>>> parts = new ArrayList<>(loops.length);
        for (int i = 0; i < loops.length; i++) {
            int index = i;
            CompletableFuture<List<T>> part = new CompletableFuture<>();
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
            List<T> all = new ArrayList<>();
            parts.forEach(p -> all.addAll(p.join()));
            return all;
        });
    }
}
