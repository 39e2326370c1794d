package io.pgmux.session;

import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.admin.view.StatCounters;
import io.pgmux.config.Setting;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * PgBouncer's stats_period clock (stats.c refresh_stats): every stats_period it samples every pool into the
 * {@link StatsWindow} that averages and SHOW LATENCY read, and with log_stats on writes PgBouncer's {@code stats:}
 * line. The period is read again at each tick, so RELOAD and SET change it from the next tick on. Ticks run one
 * after another (the next is scheduled once a tick's sample is in), on the engine's first loop.
 */
public final class StatsTicker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StatsTicker.class.getName());

    private final Engine engine;
    private final StatsSampler sampler;
    /** Written only by the tick chain, read by any thread. */
    private volatile StatsWindow window;
    private volatile ScheduledFuture<?> next;
    private volatile boolean closed;

    public StatsTicker(Engine engine, StatsSampler sampler) {
        this.engine = engine;
        this.sampler = sampler;
        this.window = StatsWindow.start(System.nanoTime());
        schedule();
    }

    /** The last two ticks. */
    StatsWindow window() {
        return window;
    }

    private void schedule() {
        if (closed) {
            return;
        }
        int period = engine.config().settings().integer(Setting.STATS_PERIOD);
        try {
            next = engine.loops()[0].schedule(this::tick, period, TimeUnit.SECONDS);
        } catch (RejectedExecutionException stopping) {
            // The loops are shutting down: no more ticks.
        }
    }

    private void tick() {
        long now = System.nanoTime();
        sampler.sample(true).whenComplete((samples, failure) -> {
            if (failure != null) {
                LOG.log(Level.FINE, "statistics sample failed", failure);
            } else {
                window = window.next(now, samples);
                if (engine.config().settings().bool(Setting.LOG_STATS)) {
                    LOG.info(logLine(window.lastPeriodAverages()));
                }
            }
            schedule();
        });
    }

    /** PgBouncer 1.25's log_stats line. */
    static String logLine(StatCounters avg) {
        return "stats: " + avg.xactCount() + " xacts/s, " + avg.queryCount() + " queries/s, "
                + avg.clientParseCount() + " client parses/s, " + avg.serverParseCount() + " server parses/s, "
                + avg.bindCount() + " binds/s, in " + avg.bytesReceived() + " B/s, out " + avg.bytesSent()
                + " B/s, xact " + avg.xactTime() + " us, query " + avg.queryTime() + " us, wait " + avg.waitTime()
                + " us";
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
    }
}
