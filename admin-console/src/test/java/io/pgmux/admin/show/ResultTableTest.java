package io.pgmux.admin.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {
    private static final List<Column> TWO = List.of(new Column("a", PgType.TEXT), new Column("b", PgType.INT4));

    @Test
    void keepsNullCells() {
        ResultTable table = new ResultTable(TWO, List.of(Arrays.asList(null, "1")));
        assertNull(table.rows().get(0).get(0));
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        assertThrows(IllegalArgumentException.class, () -> new ResultTable(TWO, List.of(List.of("x"))));
    }

    @Test
    void isACopyThatCannotChange() {
        List<String> row = new ArrayList<>(List.of("x", "1"));
        ResultTable table = new ResultTable(TWO, List.of(row));
        row.set(0, "y");
        assertEquals("x", table.rows().get(0).get(0));
        assertThrows(UnsupportedOperationException.class, () -> table.rows().get(0).set(0, "z"));
        assertThrows(UnsupportedOperationException.class, () -> table.rows().add(List.of("z", "2")));
    }

    @Test
    void typesCarryPgBouncersOidsAndSizes() {
        assertEquals(List.of(25, 23, 20, 1700, 17),
                Arrays.stream(PgType.values()).map(PgType::oid).toList());
        assertEquals(List.of(-1, 4, 8, -1, -1),
                Arrays.stream(PgType.values()).map(PgType::typeSize).toList());
    }
}
