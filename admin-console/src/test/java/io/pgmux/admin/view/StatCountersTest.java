package io.pgmux.admin.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatCountersTest {
    @Test
    void plusAddsEachCounterToItsOwn() {
        StatCounters a = new StatCounters(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        StatCounters b = new StatCounters(100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100);
        assertEquals(new StatCounters(101, 202, 303, 404, 505, 606, 707, 808, 909, 1010, 1111), a.plus(b));
        assertEquals(a, a.plus(StatCounters.ZERO));
    }
}
