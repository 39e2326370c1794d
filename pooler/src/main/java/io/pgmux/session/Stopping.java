package io.pgmux.session;

import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.admin.control.ShutdownMode;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The waiting SHUTDOWN modes: once started, checks three times a second (as often as PgBouncer's full maintenance)
 * whether the mode's condition holds (no server left for WAIT_FOR_SERVERS, no client left for WAIT_FOR_CLIENTS)
 * and then stops pgmux, off the event loops.
 */
final class Stopping {
    private static final Logger LOG = Logger.getLogger(Stopping.class.getName());
    private static final long CHECK_MILLIS = 333;

    private final Engine engine;
    private final Pausing pausing;
    private final Runnable stop;
    private final AtomicBoolean watching = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile ScheduledFuture<?> check;

    /** @param stop stops pgmux; run on a thread of its own, as it stops the event loops */
    Stopping(Engine engine, Pausing pausing, Runnable stop) {
        this.engine = engine;
        this.pausing = pausing;
        this.stop = stop;
    }

    /** Starts watching for the end of the current waiting shutdown mode (once; a later mode change is seen). */
    void watch() {
        if (watching.compareAndSet(false, true)) {
            check = engine.loops()[0].scheduleAtFixedRate(this::check, CHECK_MILLIS, CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        ShutdownMode mode = engine.shutdownMode();
        if (mode == ShutdownMode.WAIT_FOR_SERVERS) {
            if (pausing.serverCount() == 0) {
                stop("server connections dropped, exiting");
            }
        } else if (mode == ShutdownMode.WAIT_FOR_CLIENTS) {
            LoopTasks.onEveryLoop(engine.loops(), i -> engine.loopClients(i).size()).thenAccept(counts -> {
                if (counts.stream().mapToInt(Integer::intValue).sum() == 0) {
                    stop("client connections dropped, exiting");
                }
            });
        }
    }

    /** Stops pgmux now, once. */
    void stop(String why) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> c = check;
        if (c != null) {
            c.cancel(false);
        }
        LOG.info(why);
        Thread thread = new Thread(() -> {
            try {
                stop.run();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "stopping failed", e);
            }
        }, "pgmux-shutdown");
        thread.start();
    }
}
