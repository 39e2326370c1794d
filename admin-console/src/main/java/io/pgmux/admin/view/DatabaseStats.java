package io.pgmux.admin.view;

import java.util.Objects;

/** The statistics of one database (summed over its pools): totals since start and averages of the last period. */
public record DatabaseStats(String database, StatCounters totals, StatCounters averages) {
    public DatabaseStats {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(averages, "averages");
    }
}
