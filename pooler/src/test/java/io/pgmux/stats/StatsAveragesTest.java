package io.pgmux.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmux.admin.view.StatCounters;
import org.junit.jupiter.api.Test;

class StatsAveragesTest {
    private static final long TEN_SECONDS = 10_000_000L;

    @Test
    void countsAndBytesArePerSecondAndTimesPerEvent() {
        StatCounters older = new StatCounters(10, 20, 30, 1_000, 2_000, 5_000, 6_000, 700, 1, 2, 3);
        StatCounters current = new StatCounters(15, 40, 70, 11_000, 52_000, 45_000, 86_000, 1_200, 21, 32, 43);
        // Over 10 s: 5 assignments, 20 transactions, 40 queries, 10 000 B in, 50 000 B out.
        assertEquals(new StatCounters(0, 2, 4, 1_000, 5_000, 2_000, 2_000, 100, 2, 3, 4),
                StatsAverages.of(current, older, TEN_SECONDS));
    }

    @Test
    void ratesRoundDownAsPgBouncersIntegerArithmetic() {
        StatCounters current = new StatCounters(0, 0, 7, 0, 0, 0, 22, 0, 0, 0, 0);
        // 7 queries in 3 s: 2.33/s shows 2; 22 us over 7 queries: 3.14 us shows 3.
        StatCounters avg = StatsAverages.of(current, StatCounters.ZERO, 3_000_000L);
        assertEquals(2, avg.queryCount());
        assertEquals(3, avg.queryTime());
    }

    @Test
    void aTimeWithoutEventsAveragesToZero() {
        StatCounters current = new StatCounters(0, 0, 0, 0, 0, 500, 500, 500, 0, 0, 0);
        assertEquals(StatCounters.ZERO, StatsAverages.of(current, StatCounters.ZERO, TEN_SECONDS));
    }

    @Test
    void anEmptyPeriodAveragesToZero() {
        StatCounters current = new StatCounters(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(StatCounters.ZERO, StatsAverages.of(current, StatCounters.ZERO, 0));
    }

    @Test
    void perSecondDoesNotOverflowForLargeCounts() {
        long bytes = Long.MAX_VALUE / 2;
        assertEquals(bytes / 60, StatsAverages.perSecond(bytes, 60_000_000L));
        assertEquals(1_500_000, StatsAverages.perSecond(3, 2));
    }
}
