package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class SharedStringsTest {
    private final SharedStrings strings = new SharedStrings();

    @Test
    void equalValuesShareTheFirstCopy() {
        String first = new String("psql");
        assertSame(first, strings.share(first));
        assertSame(first, strings.share(new String("psql")));
        assertNull(strings.share(null));
    }

    @Test
    void longValuesAreNotKept() {
        String longValue = "x".repeat(SharedStrings.MAX_LENGTH + 1);
        String again = new String(longValue);
        strings.share(longValue);
        assertSame(again, strings.share(again));
    }

    @Test
    void stopsKeepingNewValuesWhenFull() {
        for (int i = 0; i < SharedStrings.MAX_VALUES; i++) {
            strings.share("v" + i);
        }
        String kept = new String("v0");
        assertNotSame(kept, strings.share(kept));
        String fresh = new String("new value");
        assertSame(fresh, strings.share(fresh));
        assertNotSame(fresh, strings.share(new String("new value")));
        assertEquals("new value", strings.share("new value"));
    }
}
