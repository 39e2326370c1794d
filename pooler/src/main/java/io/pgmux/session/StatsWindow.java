package io.pgmux.session;

import io.pgmux.admin.view.StatCounters;
import io.pgmux.pool.Pool;
import io.pgmux.stats.LatencyHistograms;
import io.pgmux.stats.StatsAverages;
import java.util.HashMap;
import java.util.Map;

/**
 * What the last two stats_period ticks saw, as PgBouncer's older_stats and newer_stats with their times: averages
 * and SHOW LATENCY's percentiles cover what happened since the older one. Immutable once made; maps are keyed by the
 * pool object.
 *
 * @param olderHistograms every pool's histograms since start at the older tick
 * @param newerHistograms every pool's histograms since start at the newer tick
 */
record StatsWindow(long olderNanos, Map<Pool, StatCounters> older, long newerNanos, Map<Pool, StatCounters> newer,
        Map<Pool, LatencyHistograms> olderHistograms, Map<Pool, LatencyHistograms> newerHistograms) {
    private static final long SECOND_NANOS = 1_000_000_000L;

    /** At start, as PgBouncer's stats_setup: nothing counted, and the older tick a second before now. */
    static StatsWindow start(long nowNanos) {
        return new StatsWindow(nowNanos - SECOND_NANOS, Map.of(), nowNanos, Map.of(), Map.of(), Map.of());
    }

    /** The window after a tick at {@code nowNanos} that sampled these totals: the newer tick becomes the older. */
    StatsWindow next(long nowNanos, Map<Pool, StatsSampler.PoolSample> samples) {
        Map<Pool, StatCounters> counters = new HashMap<>();
        Map<Pool, LatencyHistograms> histograms = new HashMap<>();
        samples.forEach((pool, sample) -> {
            counters.put(pool, sample.counters());
            histograms.put(pool, sample.histograms());
        });
        return new StatsWindow(newerNanos, newer, nowNanos, counters, newerHistograms, histograms);
    }

    /** A pool's latencies since the older tick, from its histograms since start as they are now. */
    LatencyHistograms sinceOlder(Pool pool, LatencyHistograms current) {
        LatencyHistograms before = olderHistograms.get(pool);
        return before == null ? current : current.since(before);
    }

    /** A pool's totals at the older tick; 0 for a pool that did not exist then. */
    StatCounters olderOf(Pool pool) {
        return older.getOrDefault(pool, StatCounters.ZERO);
    }

    /** The averages over every pool between the two ticks: the log_stats line's figures. */
    StatCounters lastPeriodAverages() {
        StatCounters current = StatCounters.ZERO;
        StatCounters before = StatCounters.ZERO;
        for (Map.Entry<Pool, StatCounters> e : newer.entrySet()) {
            current = current.plus(e.getValue());
            before = before.plus(olderOf(e.getKey()));
        }
        return StatsAverages.of(current, before, (newerNanos - olderNanos) / 1000);
    }
}
