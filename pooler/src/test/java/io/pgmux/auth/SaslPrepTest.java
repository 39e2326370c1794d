package io.pgmux.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** SASLprep as PostgreSQL applies it, including its fall-back to the raw password. */
class SaslPrepTest {

    @Test
    void asciiPassesThroughUnchangedEvenWithControlCharacters() {
        String password = "Pa55 w\tord!";
        assertSame(password, SaslPrep.normalize(password));
    }

    @Test
    void nonAsciiSpaceBecomesSpace() {
        assertEquals("pass word", SaslPrep.normalize("pass\u00A0word"));
        assertEquals("pass word", SaslPrep.normalize("pass\u3000word"));
    }

    @Test
    void zeroWidthSpaceIsMappedToSpaceAsPostgresDoes() {
        assertEquals("a b", SaslPrep.normalize("a\u200Bb"));
    }

    @Test
    void commonlyMappedToNothingIsRemoved() {
        assertEquals("IX", SaslPrep.normalize("I\u00ADX"));
        assertEquals("ab", SaslPrep.normalize("a\uFEFFb"));
    }

    @Test
    void compatibilityCharactersAreNfkcNormalized() {
        assertEquals("a", SaslPrep.normalize("\u00AA"));
        assertEquals("IX", SaslPrep.normalize("\u2168"));
        assertEquals("fi\u00E9", SaslPrep.normalize("\uFB01e\u0301"));
    }

    @Test
    void prohibitedCharacterFallsBackToRawPassword() {
        // The non-ASCII space would be mapped if the private-use character did not reject the whole string.
        String password = "a\u00A0b\uE000";
        assertEquals(password, SaslPrep.normalize(password));
    }

    @Test
    void nonAsciiControlCharacterFallsBack() {
        String password = "\u00A0x\u0085";
        assertEquals(password, SaslPrep.normalize(password));
    }

    @Test
    void codePointUnassignedInUnicode32FallsBack() {
        // U+1F600 was assigned after Unicode 3.2, so PostgreSQL's tables treat it as unassigned.
        String password = "\uD83D\uDE00\u00A0";
        assertEquals(password, SaslPrep.normalize(password));
    }

    @Test
    void loneSurrogateFallsBack() {
        String password = "x\u00A0\uD800";
        assertEquals(password, SaslPrep.normalize(password));
    }

    @Test
    void passwordMappedToNothingFallsBack() {
        assertEquals("\u00AD", SaslPrep.normalize("\u00AD"));
    }

    @Test
    void rightToLeftStringStartingAndEndingRightToLeftIsNormalized() {
        assertEquals("\u0627 \u0628", SaslPrep.normalize("\u0627\u00A0\u0628"));
    }

    @Test
    void rightToLeftStringEndingInDigitFallsBack() {
        String password = "\u0627\u00A0\u0031";
        assertEquals(password, SaslPrep.normalize(password));
    }

    @Test
    void mixedDirectionFallsBack() {
        String password = "\u0627a\u00A0\u0628";
        assertEquals(password, SaslPrep.normalize(password));
    }
}
