package io.pgmux.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.net.ReadGate;
import io.pgmux.pool.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * SUSPEND and its RESUME on the sockets: the listeners stop accepting, every client and server connection stops
 * reading and flushes what it has to write; admin console connections go on. Each loop suspends its own
 * connections. Connections that have not flushed within suspend_timeout are closed, as PgBouncer does.
 */
final class Suspension {
    private static final Logger LOG = Logger.getLogger(Suspension.class.getName());

    private final Engine engine;

    Suspension(Engine engine) {
        this.engine = engine;
    }

    /**
     * Suspends every connection; completes once each has flushed, or once {@code timeout} (0: none) has passed and
     * those that had not were closed.
     */
    CompletableFuture<Void> suspend(Duration timeout) {
        engine.listeners().accepting(false);
        CompletableFuture<Void> done = new CompletableFuture<>();
        LoopTasks.onEveryLoop(engine.loops(), i -> {
            List<ChannelFuture> flushes = new ArrayList<>();
            forEachGate(i, gate -> flushes.add(gate.suspend()));
            return flushes;
        }).thenAccept(perLoop -> {
            List<ChannelFuture> flushes = new ArrayList<>();
            perLoop.forEach(flushes::addAll);
            awaitFlushes(flushes, timeout, done);
        }).exceptionally(e -> {
            done.completeExceptionally(e);
            return null;
        });
        return done;
    }

    private void awaitFlushes(List<ChannelFuture> flushes, Duration timeout, CompletableFuture<Void> done) {
        CompletableFuture<?>[] each = new CompletableFuture<?>[flushes.size()];
        for (int i = 0; i < each.length; i++) {
            CompletableFuture<Void> flushed = new CompletableFuture<>();
            // A failed write means a closed connection: nothing is left to flush there either.
            flushes.get(i).addListener(f -> flushed.complete(null));
            each[i] = flushed;
        }
        CompletableFuture.allOf(each).thenRun(() -> done.complete(null));
        if (timeout.isZero() || done.isDone()) {
            return;
        }
        ScheduledFuture<?> force = engine.loops()[0].schedule(() -> {
            for (ChannelFuture f : flushes) {
                if (!f.isDone()) {
                    Channel ch = f.channel();
                    LOG.info("closing " + ch.remoteAddress() + " because: suspend_timeout");
                    ch.close();
                }
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        done.whenComplete((v, e) -> force.cancel(false));
    }

    /** RESUME after SUSPEND: connections read again as the relay wants, the listeners accept again. */
    CompletableFuture<Void> resume() {
        engine.listeners().accepting(true);
        return LoopTasks.runOnEveryLoop(engine.loops(), i -> forEachGate(i, ReadGate::resume));
    }

    /** Whether an admin console client is connected; PgBouncer resumes when the last one leaves a SUSPEND. */
    CompletableFuture<Boolean> adminConnected() {
        return LoopTasks.onEveryLoop(engine.loops(), i -> {
            for (ClientSession client : engine.loopClients(i)) {
                if (client.admin()) {
                    return true;
                }
            }
            return false;
        }).thenApply(perLoop -> perLoop.contains(true));
    }

    /** The gate of each client and server connection of loop {@code i}, admin console clients left out. */
    private void forEachGate(int i, Consumer<ReadGate> action) {
        for (ClientSession client : engine.loopClients(i)) {
            if (!client.admin()) {
                gateOf(client.channel(), action);
            }
        }
        for (Pool pool : engine.pools().pools()) {
            for (ServerConnection server : pool.servers(i)) {
                gateOf(server.channel(), action);
            }
        }
    }

    private static void gateOf(Channel channel, Consumer<ReadGate> action) {
        ReadGate gate = channel == null ? null : channel.pipeline().get(ReadGate.class);
        if (gate != null) {
            action.accept(gate);
        }
    }
}
