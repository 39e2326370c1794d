package io.pgmux.admin.view;

import java.util.Objects;

/**
 * One [pgbouncer] setting for SHOW CONFIG, in PgBouncer's order.
 *
 * @param value the current value as text, or null when unset
 * @param defaultValue the default as text, or null when there is none
 * @param changeable whether RELOAD or SET can change it while running
 */
public record ConfigEntry(String key, String value, String defaultValue, boolean changeable) {
    public ConfigEntry {
        Objects.requireNonNull(key, "key");
    }
}
