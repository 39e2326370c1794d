package io.pgmux.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.admin.view.LatencyPercentiles;
import org.junit.jupiter.api.Test;

class LatencyHistogramsTest {
    @Test
    void percentilesOfAnEmptyHistogramAreZero() {
        assertEquals(LatencyPercentiles.ZERO, LatencyHistograms.percentiles(new LatencyHistograms().query()));
    }

    @Test
    void percentilesAreWithinOnePercent() {
        LoopStats stats = new LoopStats();
        for (int micros = 1; micros <= 1000; micros++) {
            stats.queryDone(micros * 1000L * 1000);
        }
        LatencyPercentiles p = LatencyHistograms.percentiles(stats.histograms().query());
        assertNear(500_000, p.p50());
        assertNear(900_000, p.p90());
        assertNear(990_000, p.p99());
        assertNear(999_000, p.p999());
        assertNear(1_000_000, p.max());
    }

    private static void assertNear(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected / 100, "expected about " + expected + ", got " + actual);
    }

    @Test
    void histogramsOfLoopsMergeIntoOne() {
        LoopStats loop0 = new LoopStats();
        LoopStats loop1 = new LoopStats();
        for (int i = 0; i < 99; i++) {
            loop0.assigned(0);
        }
        loop1.assigned(2_000_000_000L);
        LatencyHistograms merged = loop0.histograms();
        merged.add(loop1.histograms());
        assertEquals(100, merged.waitTime().getTotalCount());
        LatencyPercentiles p = LatencyHistograms.percentiles(merged.waitTime());
        assertEquals(0, p.p99(), "99 of 100 assignments did not wait");
        assertNear(2_000_000, p.p999());
        assertNear(2_000_000, p.max());
    }

    @Test
    void sinceKeepsOnlyWhatWasRecordedAfterTheEarlierCopy() {
        LoopStats stats = new LoopStats();
        stats.transactionDone(5_000_000_000L);
        LatencyHistograms earlier = stats.histograms();
        stats.transactionDone(1_000_000L);
        stats.transactionDone(1_000_000L);
        LatencyHistograms period = stats.histograms().since(earlier);
        assertEquals(2, period.xact().getTotalCount());
        assertNear(1_000, LatencyHistograms.percentiles(period.xact()).max());
        assertEquals(3, stats.histograms().xact().getTotalCount(), "the totals since start are kept");
    }
}
