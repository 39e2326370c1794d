package io.pgmux.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Splits the libpq-like {@code key=value ...} text of a section entry into pairs, as PgBouncer's loader does. */
final class ConnString {
    private ConnString() {
    }

    /**
     * The pairs in order (a key may repeat; the last one counts). Pairs are separated by spaces (only spaces); a
     * value is bare up to the next space, or in single quotes with {@code ''} for a quote; it may not be empty.
     *
     * @param syntaxError the reason to give when the text cannot be split
     * @throws IllegalArgumentException with {@code syntaxError}
     */
    static List<Map.Entry<String, String>> parse(String text, String syntaxError) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        int p = skipSpaces(text, 0);
        while (p < text.length()) {
            int keyStart = p;
            while (p < text.length() && text.charAt(p) != '=' && text.charAt(p) != ' ') {
                p++;
            }
            String key = text.substring(keyStart, p);
            p = skipSpaces(text, p);
            if (key.isEmpty() || p == text.length() || text.charAt(p) != '=') {
                throw new IllegalArgumentException(syntaxError);
            }
            p = skipSpaces(text, p + 1);
            StringBuilder value = new StringBuilder();
            p = text.startsWith("'", p) ? readQuoted(text, p + 1, value, syntaxError) : readBare(text, p, value);
            if (value.length() == 0) {
                throw new IllegalArgumentException(syntaxError);
            }
            pairs.add(Map.entry(key, value.toString()));
            p = skipSpaces(text, p);
        }
        return pairs;
    }

    private static int readBare(String text, int p, StringBuilder value) {
        int end = text.indexOf(' ', p);
        end = end < 0 ? text.length() : end;
        value.append(text, p, end);
        return end;
    }

    /** Reads after an opening quote up to the closing one, which must end the value. */
    private static int readQuoted(String text, int p, StringBuilder value, String syntaxError) {
        while (p < text.length()) {
            char c = text.charAt(p);
            if (c == '\'') {
                if (p + 1 < text.length() && text.charAt(p + 1) == '\'') {
                    value.append('\'');
                    p += 2;
                    continue;
                }
                if (p + 1 < text.length() && text.charAt(p + 1) != ' ') {
                    throw new IllegalArgumentException(syntaxError);
                }
                return p + 1;
            }
            value.append(c);
            p++;
        }
        throw new IllegalArgumentException(syntaxError);
    }

    private static int skipSpaces(String text, int p) {
        while (p < text.length() && text.charAt(p) == ' ') {
            p++;
        }
        return p;
    }
}
