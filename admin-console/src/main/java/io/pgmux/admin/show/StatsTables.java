package io.pgmux.admin.show;

import io.pgmux.admin.view.DatabaseStats;
import io.pgmux.admin.view.LatencyPercentiles;
import io.pgmux.admin.view.LatencySnapshot;
import io.pgmux.admin.view.StatCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * SHOW STATS, STATS_TOTALS, STATS_AVERAGES (one row per database), SHOW TOTALS (one row per counter) and pgmux's
 * SHOW LATENCY (one row per pool).
 */
final class StatsTables {
    /** Each list names the {@link StatCounters#values()} in order, as one of PgBouncer's stats.c tables does. */
    private static final List<String> STATS_TOTAL_NAMES = List.of("total_server_assignment_count",
            "total_xact_count", "total_query_count", "total_received", "total_sent", "total_xact_time",
            "total_query_time", "total_wait_time", "total_client_parse_count", "total_server_parse_count",
            "total_bind_count");
    private static final List<String> STATS_AVERAGE_NAMES = List.of("avg_server_assignment_count",
            "avg_xact_count", "avg_query_count", "avg_recv", "avg_sent", "avg_xact_time", "avg_query_time",
            "avg_wait_time", "avg_client_parse_count", "avg_server_parse_count", "avg_bind_count");
    private static final List<String> TOTALS_NAMES = List.of("server_assignment_count", "xact_count",
            "query_count", "bytes_received", "bytes_sent", "xact_time", "query_time", "wait_time",
            "client_parse_count", "server_parse_count", "bind_count");
    private static final List<String> AVERAGES_NAMES = List.of("server_assignment_count", "xact_count",
            "query_count", "bytes_received", "bytes_sent", "xact_time", "query_time", "wait_time",
            "avg_client_parse_count", "avg_server_parse_count", "avg_bind_count");
    /** SHOW TOTALS prefixes PgBouncer's PgStats field names with total_ and avg_. */
    private static final List<String> FIELD_NAMES = List.of("server_assignment_count", "xact_count",
            "query_count", "client_bytes", "server_bytes", "xact_time", "query_time", "wait_time",
            "ps_client_parse_count", "ps_server_parse_count", "ps_bind_count");

    /** stats.c admin_database_stats. */
    static final ShowTable<DatabaseStats> STATS = counters(counters(database(), STATS_TOTAL_NAMES,
            DatabaseStats::totals), STATS_AVERAGE_NAMES, DatabaseStats::averages).build();

    /** stats.c admin_database_stats_totals. */
    static final ShowTable<DatabaseStats> STATS_TOTALS =
            counters(database(), TOTALS_NAMES, DatabaseStats::totals).build();

    /** stats.c admin_database_stats_averages. */
    static final ShowTable<DatabaseStats> STATS_AVERAGES =
            counters(database(), AVERAGES_NAMES, DatabaseStats::averages).build();

    /** stats.c show_stat_totals. */
    static final ShowTable<Map.Entry<String, Long>> TOTALS = ShowTable.<Map.Entry<String, Long>>builder()
            .text("name", Map.Entry::getKey)
            .numeric("value", Map.Entry::getValue)
            .build();

    /**
     * pgmux's SHOW LATENCY: database, user, then p50, p90, p99, p99.9 and max of query, transaction and wait time in
     * microseconds.
     */
    static final ShowTable<LatencySnapshot> LATENCY = percentiles(percentiles(percentiles(
            ShowTable.<LatencySnapshot>builder()
                    .text("database", LatencySnapshot::database)
                    .text("user", LatencySnapshot::user),
            "query", LatencySnapshot::query), "xact", LatencySnapshot::xact), "wait", LatencySnapshot::waitTime)
            .build();

    private StatsTables() {
    }

    /** SHOW TOTALS' rows: every total, then every average. */
    static List<Map.Entry<String, Long>> totalsRows(StatCounters totals, StatCounters averages) {
        List<Map.Entry<String, Long>> rows = new ArrayList<>();
        for (int i = 0; i < FIELD_NAMES.size(); i++) {
            rows.add(Map.entry("total_" + FIELD_NAMES.get(i), totals.values().get(i)));
        }
        for (int i = 0; i < FIELD_NAMES.size(); i++) {
            rows.add(Map.entry("avg_" + FIELD_NAMES.get(i), averages.values().get(i)));
        }
        return rows;
    }

    private static ShowTable.Builder<LatencySnapshot> percentiles(ShowTable.Builder<LatencySnapshot> builder,
            String prefix, Function<LatencySnapshot, LatencyPercentiles> of) {
        return builder.int8(prefix + "_p50", s -> of.apply(s).p50())
                .int8(prefix + "_p90", s -> of.apply(s).p90())
                .int8(prefix + "_p99", s -> of.apply(s).p99())
                .int8(prefix + "_p99_9", s -> of.apply(s).p999())
                .int8(prefix + "_max", s -> of.apply(s).max());
    }

    private static ShowTable.Builder<DatabaseStats> database() {
        return ShowTable.<DatabaseStats>builder().text("database", DatabaseStats::database);
    }

    private static ShowTable.Builder<DatabaseStats> counters(ShowTable.Builder<DatabaseStats> builder,
            List<String> names, Function<DatabaseStats, StatCounters> counters) {
        for (int i = 0; i < names.size(); i++) {
            int index = i;
            builder.numeric(names.get(i), s -> counters.apply(s).values().get(index));
        }
        return builder;
    }
}
