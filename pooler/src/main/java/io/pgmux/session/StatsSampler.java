package io.pgmux.session;

import io.pgmux.admin.view.StatCounters;
import io.pgmux.pool.Pool;
import io.pgmux.stats.LatencyHistograms;
import io.pgmux.stats.LoopStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads every pool's statistics: a task on each event loop copies that loop's part of each pool (its only writer
 * is that loop, so the copy is consistent and needs no lock), and the copies are summed per pool.
 */
public final class StatsSampler {
    private final Engine engine;

    public StatsSampler(Engine engine) {
        this.engine = engine;
    }

    /** One pool's statistics summed over the loops; histograms only when asked for (null otherwise). */
    public record PoolSample(Pool pool, StatCounters counters, LatencyHistograms histograms) {
        private PoolSample plus(PoolSample other) {
            if (histograms != null) {
                histograms.add(other.histograms);
            }
            return new PoolSample(pool, counters.plus(other.counters), histograms);
        }
    }

    /**
     * Every pool's totals since start, keyed by the pool itself (a pool removed and made again starts anew).
     *
     * @param withHistograms also copy the latency histograms (larger copies: for the ticker and /metrics)
     */
    public CompletableFuture<Map<Pool, PoolSample>> sample(boolean withHistograms) {
        return LoopTasks.onEveryLoop(engine.loops(), loop -> {
            List<PoolSample> parts = new ArrayList<>();
            for (Pool pool : engine.pools().pools()) {
                LoopStats part = pool.stats().loop(loop);
                parts.add(new PoolSample(pool, part.counters(), withHistograms ? part.histograms() : null));
            }
            return parts;
        }).thenApply(loopParts -> {
            Map<Pool, PoolSample> sums = new LinkedHashMap<>();
            for (List<PoolSample> parts : loopParts) {
                for (PoolSample part : parts) {
                    sums.merge(part.pool(), part, PoolSample::plus);
                }
            }
            return sums;
        });
    }
}
