package io.pgmux.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Shape of the generated RFC 3454 tables and their range lookup. */
class StringPrepTablesTest {

    private static final List<int[]> TABLES = List.of(StringPrepTables.NON_ASCII_SPACE,
            StringPrepTables.MAPPED_TO_NOTHING, StringPrepTables.PROHIBITED, StringPrepTables.UNASSIGNED,
            StringPrepTables.RAND_AL_CAT, StringPrepTables.L_CAT);

    @Test
    void tablesAreSortedDisjointPairs() {
        for (int[] table : TABLES) {
            assertEquals(0, table.length % 2);
            for (int i = 0; i < table.length; i += 2) {
                assertTrue(table[i] <= table[i + 1], "range at " + i);
                if (i > 0) {
                    assertTrue(table[i - 1] < table[i], "order at " + i);
                }
            }
        }
    }

    @Test
    void lookupFindsRangeEdgesOnly() {
        int[] table = StringPrepTables.UNASSIGNED;
        assertTrue(StringPrepTables.contains(table, 0x0234));
        assertTrue(StringPrepTables.contains(table, 0x024F));
        assertFalse(StringPrepTables.contains(table, 0x0233));
        assertFalse(StringPrepTables.contains(table, 0x0250));
        assertTrue(StringPrepTables.contains(table, 0xEFFFD));
        assertFalse(StringPrepTables.contains(table, 0x10FFFF));
        assertFalse(StringPrepTables.contains(table, 'a'));
    }

    @Test
    void tableSizesMatchRfc3454AsPostgresEncodesIt() {
        assertEquals(396, StringPrepTables.UNASSIGNED.length / 2);
        assertEquals(34, StringPrepTables.RAND_AL_CAT.length / 2);
        assertEquals(360, StringPrepTables.L_CAT.length / 2);
    }
}
