package io.pgmux.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmux.admin.view.StatCounters;
import org.junit.jupiter.api.Test;

class LoopStatsTest {
    @Test
    void eventsLandInPgBouncersCountersInMicroseconds() {
        LoopStats stats = new LoopStats();
        stats.queryStarted(true);
        stats.queryStarted(false);
        stats.queryDone(1_500_000);
        stats.queryDone(2_500_999);
        stats.transactionDone(4_000_000);
        stats.assigned(0);
        stats.assigned(7_000);
        stats.clientBytes(100);
        stats.serverBytes(250);
        stats.clientParse();
        stats.serverParse();
        stats.bind();
        assertEquals(new StatCounters(2, 1, 2, 100, 250, 4_000, 4_000, 7, 1, 1, 1), stats.counters());
        assertEquals(2, stats.histograms().query().getTotalCount());
        assertEquals(1, stats.histograms().xact().getTotalCount());
        assertEquals(2, stats.histograms().waitTime().getTotalCount());
    }

    @Test
    void copiesDoNotChangeWithLaterEvents() {
        LoopStats stats = new LoopStats();
        StatCounters before = stats.counters();
        LatencyHistograms histograms = stats.histograms();
        stats.queryStarted(true);
        stats.queryDone(1_000);
        assertEquals(StatCounters.ZERO, before);
        assertEquals(0, histograms.query().getTotalCount());
    }
}
