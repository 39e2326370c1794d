package io.pgmux.config;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parsers and formatters for pgbouncer.ini values; parsers throw IllegalArgumentException with a reason. */
final class SettingValues {
    private static final long NANOS_PER_MICRO = 1_000L;

    private SettingValues() {
    }

    /**
     * Reads a whole number as C's {@code strtol(text, &end, 0)} does when the whole text must be used: optional
     * sign, then {@code 0x} hex, {@code 0} octal or decimal digits.
     */
    static long parseInteger(String text) {
        String t = text.trim();
        int i = 0;
        boolean negative = false;
        if (i < t.length() && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
            negative = t.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (t.startsWith("0x", i) || t.startsWith("0X", i)) {
            radix = 16;
            i += 2;
        } else if (t.startsWith("0", i) && t.length() > i + 1) {
            radix = 8;
            i++;
        }
        String digits = t.substring(i);
        if (digits.isEmpty() || !allDigits(digits, radix)) {
            throw new IllegalArgumentException("not an integer");
        }
        try {
            long value = Long.parseLong(digits, radix);
            return negative ? -value : value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("number out of range", e);
        }
    }

    private static boolean allDigits(String s, int radix) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || Character.digit(c, radix) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A flag: any integer as PgBouncer reads it (non-zero is on), or yes/no, on/off, true/false. */
    static boolean parseBool(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "yes", "on", "true" -> {
                return true;
            }
            case "no", "off", "false" -> {
                return false;
            }
            default -> {
                try {
                    return parseInteger(t) != 0;
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("not a boolean (expected 0/1, yes/no, on/off, true/false)", e);
                }
            }
        }
    }

    /**
     * A non-negative time: a decimal number (fractions and exponents allowed) in seconds, or in milliseconds when
     * {@code millisByDefault}, optionally followed by a unit: us, ms, s, min, h, d.
     */
    static Duration parseDuration(String text, boolean millisByDefault) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("time must not be negative");
        }
        int end = numberEnd(t);
        if (end == 0) {
            throw new IllegalArgumentException(
                    "not a time (expected a number, optionally with unit us, ms, s, min, h, d)");
        }
        double amount = Double.parseDouble(t.substring(0, end));
        String unit = t.substring(end).trim();
        double nanosPerUnit = switch (unit) {
            case "" -> millisByDefault ? 1e6 : 1e9;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "min" -> 60e9;
            case "h" -> 3600e9;
            case "d" -> 86400e9;
            default -> throw new IllegalArgumentException("unknown time unit \"" + unit
                    + "\" (expected us, ms, s, min, h, d)");
        };
        double nanos = amount * nanosPerUnit;
        if (nanos >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("time out of range");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** Length of the leading decimal number of {@code t} ({@code 12}, {@code 1.5}, {@code .5}, {@code 1e3}), or 0. */
    private static int numberEnd(String t) {
        int i = 0;
        if (i < t.length() && t.charAt(i) == '+') {
            i++;
        }
        int digitsStart = i;
        while (i < t.length() && isDigit(t.charAt(i))) {
            i++;
        }
        int intDigits = i - digitsStart;
        int fracDigits = 0;
        if (i < t.length() && t.charAt(i) == '.') {
            i++;
            while (i < t.length() && isDigit(t.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return 0;
        }
        if (i < t.length() && t.charAt(i) == 'e') {
            int j = i + 1;
            if (j < t.length() && (t.charAt(j) == '+' || t.charAt(j) == '-')) {
                j++;
            }
            int expStart = j;
            while (j < t.length() && isDigit(t.charAt(j))) {
                j++;
            }
            if (j > expStart) {
                i = j;
            }
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Comma-separated words, each trimmed, empty ones dropped. */
    static List<String> parseList(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    /** Seconds as PgBouncer shows a time in SHOW CONFIG: whole microseconds, printed like C's {@code %g}. */
    static String formatSeconds(Duration d) {
        long micros = d.toNanos() / NANOS_PER_MICRO;
        return formatG(micros / 1e6);
    }

    /** C's {@code printf("%g", v)} for a finite non-negative value: 6 significant digits, no trailing zeros. */
    static String formatG(double v) {
        if (v == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(6, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= 6) {
            String mantissa = rounded.movePointLeft(exponent).stripTrailingZeros().toPlainString();
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
        }
        return rounded.stripTrailingZeros().toPlainString();
    }
}
