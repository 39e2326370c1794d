package io.pgmux.admin.view;

import java.util.List;
import java.util.Objects;

/**
 * Statistics for SHOW STATS, STATS_TOTALS, STATS_AVERAGES (per database, the admin database included) and SHOW
 * TOTALS (over all pools). The overall averages are computed from the overall sums, not added up per database.
 */
public record StatsSnapshot(List<DatabaseStats> databases, StatCounters totals, StatCounters averages) {
    public StatsSnapshot {
        databases = List.copyOf(databases);
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(averages, "averages");
    }
}
