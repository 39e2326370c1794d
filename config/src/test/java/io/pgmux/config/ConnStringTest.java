package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnStringTest {
    @Test
    void pairsComeInOrderWithRepeats() {
        assertEquals(List.of(Map.entry("a", "1"), Map.entry("b", "x y"), Map.entry("a", "2")),
                ConnString.parse("  a=1   b = 'x y' a=2  ", "bad"));
    }

    @Test
    void emptyTextHasNoPairs() {
        assertEquals(List.of(), ConnString.parse("", "bad"));
        assertEquals(List.of(), ConnString.parse("   ", "bad"));
    }

    @Test
    void quotedValueMayHoldEqualsAndDoubledQuotes() {
        assertEquals(List.of(Map.entry("q", "a='b' c"), Map.entry("n", "1")),
                ConnString.parse("q='a=''b'' c' n=1", "bad"));
    }

    @Test
    void bareValueRunsToTheNextSpaceOnly() {
        assertEquals(List.of(Map.entry("h", "a,b\tc"), Map.entry("p", "1")), ConnString.parse("h=a,b\tc p=1", "bad"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a=", "a=''", "=1", "a 1", "a='x", "a='x'y", "a=1 b"})
    void malformedTextGivesTheCallersReason(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConnString.parse(text, "syntax error here"));
        assertEquals("syntax error here", e.getMessage());
    }
}
