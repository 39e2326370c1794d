package io.pgmux.admin.view;

import java.util.Locale;

/** Whether a connection is a replication connection, as the replication column of SHOW CLIENTS/SERVERS prints it. */
public enum Replication {
    NONE, LOGICAL, PHYSICAL;

    /** {@code none}, {@code logical} or {@code physical}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
