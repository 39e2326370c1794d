package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmux.admin.view.StatCounters;
import org.junit.jupiter.api.Test;

class StatsTickerTest {
    @Test
    void logStatsLineIsPgBouncers() {
        StatCounters avg = new StatCounters(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertEquals("stats: 2 xacts/s, 3 queries/s, 9 client parses/s, 10 server parses/s, 11 binds/s, in 4 B/s, "
                + "out 5 B/s, xact 6 us, query 7 us, wait 8 us", StatsTicker.logLine(avg));
    }
}
