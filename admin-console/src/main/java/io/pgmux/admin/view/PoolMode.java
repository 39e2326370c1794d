package io.pgmux.admin.view;

import java.util.Locale;

/** A pool mode as SHOW POOLS, DATABASES and USERS print it. */
public enum PoolMode {
    SESSION, TRANSACTION, STATEMENT;

    /** {@code session}, {@code transaction} or {@code statement}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
