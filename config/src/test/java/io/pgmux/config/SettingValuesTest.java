package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingValuesTest {
    @ParameterizedTest
    @CsvSource({"0, 0", "42, 42", "+42, 42", "-42, -42", "0x1F, 31", "0X1f, 31", "017, 15", "-010, -8", "00, 0"})
    void integersAreReadAsStrtolBaseZero(String text, long expected) {
        assertEquals(expected, SettingValues.parseInteger(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "0x", "09", "12abc", "1 2", "1.0", "٣", "99999999999999999999"})
    void nonIntegersAreRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> SettingValues.parseInteger(text));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0", "1, 1", "0.5, 0.5", "15, 15", "3600, 3600", "100000, 100000", "999999, 999999",
        "1000000, 1e+06", "1234567, 1.23457e+06", "0.0001, 0.0001", "0.00001, 1e-05", "123.456789, 123.457",
        "2.5e-07, 2.5e-07"
    })
    void formatGMatchesC(double value, String expected) {
        assertEquals(expected, SettingValues.formatG(value));
    }

    @Test
    void listsDropEmptyWordsAndSpaces() {
        assertEquals(java.util.List.of("a", "b c", "d"), SettingValues.parseList(" a ,, b c,d ,"));
    }
}
