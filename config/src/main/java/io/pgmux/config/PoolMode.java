package io.pgmux.config;

import java.util.Locale;

/** When a server connection goes back to the pool: at client disconnect, transaction end, or statement end. */
public enum PoolMode {
    SESSION, TRANSACTION, STATEMENT;

    /** The name as written in pgbouncer.ini and shown by SHOW POOLS. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code session}, {@code transaction} or {@code statement}; null when the text is none of them. */
    public static PoolMode parseOrNull(String text) {
        for (PoolMode mode : values()) {
            if (mode.configName().equalsIgnoreCase(text.trim())) {
                return mode;
            }
        }
        return null;
    }
}
