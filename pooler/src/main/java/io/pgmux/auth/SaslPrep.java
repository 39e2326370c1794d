package io.pgmux.auth;

import java.text.Normalizer;
import java.util.Arrays;

/** SASLprep (RFC 4013) of a password, with PostgreSQL's {@code pg_saslprep} quirks and fallback. */
public final class SaslPrep {

    private SaslPrep() {
    }

    /**
     * Returns the SASLprep form of {@code password}, or {@code password} itself when SASLprep rejects it: PostgreSQL
     * then uses the raw password, and both ends of an exchange must derive the same keys.
     */
    public static String normalize(String password) {
        // PostgreSQL passes pure ASCII through untouched, even control characters RFC 4013 would prohibit.
        if (isAscii(password)) {
            return password;
        }
        int[] mapped = map(password);
        if (mapped.length == 0 || isProhibited(mapped) || violatesBidi(mapped)) {
            return password;
        }
        // PostgreSQL checks the mapped, not yet normalized, characters; checking before NFKC matches it.
        return Normalizer.normalize(new String(mapped, 0, mapped.length), Normalizer.Form.NFKC);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Non-ASCII spaces become U+0020, characters "commonly mapped to nothing" are dropped (U+200B is both: space). */
    private static int[] map(String password) {
        int[] out = new int[password.length()];
        int count = 0;
        for (int i = 0; i < password.length(); ) {
            int c = password.codePointAt(i);
            i += Character.charCount(c);
            if (in(StringPrepTables.NON_ASCII_SPACE, c)) {
                out[count++] = ' ';
            } else if (!in(StringPrepTables.MAPPED_TO_NOTHING, c)) {
                out[count++] = c;
            }
        }
        return Arrays.copyOf(out, count);
    }

    private static boolean isProhibited(int[] codePoints) {
        for (int c : codePoints) {
            if (in(StringPrepTables.PROHIBITED, c) || in(StringPrepTables.UNASSIGNED, c)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 3454 section 6: with any right-to-left character, no left-to-right one, and RTL at both ends. */
    private static boolean violatesBidi(int[] codePoints) {
        boolean rightToLeft = false;
        boolean leftToRight = false;
        for (int c : codePoints) {
            rightToLeft |= in(StringPrepTables.RAND_AL_CAT, c);
            leftToRight |= in(StringPrepTables.L_CAT, c);
        }
        return rightToLeft
                && (leftToRight
                        || !in(StringPrepTables.RAND_AL_CAT, codePoints[0])
                        || !in(StringPrepTables.RAND_AL_CAT, codePoints[codePoints.length - 1]));
    }

    private static boolean in(int[] table, int codePoint) {
        return StringPrepTables.contains(table, codePoint);
    }
}
