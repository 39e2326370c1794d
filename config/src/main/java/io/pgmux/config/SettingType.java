package io.pgmux.config;

/** How the text of a {@code [pgbouncer]} value is read. */
public enum SettingType {
    /** Any text. */
    STRING,
    /** A comma-separated list of words. */
    LIST,
    /** A whole number as C's strtol reads it: decimal, {@code 0x} hex, or octal with a leading {@code 0}. */
    INT,
    /** Any integer as PgBouncer reads it (non-zero is on); pgmux also takes yes/no, on/off, true/false. */
    BOOL,
    /**
     * A non-negative time in seconds, fractions allowed, as PgBouncer reads it; pgmux also takes a unit:
     * us, ms, s, min, h, d.
     */
    SECONDS,
    /** A non-negative time in milliseconds, or with a unit as for {@link #SECONDS}. */
    MILLIS,
    /** One of a fixed set of words (pool_mode, auth_type, sslmode, ...), compared case-insensitively. */
    ENUM
}
