package io.pgmux.admin.view;

import java.util.Objects;

/**
 * One pool's latencies for SHOW LATENCY (pgmux's own command), over the averages' window (the older of the
 * last two stats_period ticks until now).
 *
 * @param query time from a client's query to its ReadyForQuery, waiting included (as PgBouncer's query_time)
 * @param xact time from a transaction's first query to its idle ReadyForQuery (as PgBouncer's xact_time)
 * @param waitTime time a client waited for a server, 0 for each assignment that needed no wait (as wait_time)
 */
public record LatencySnapshot(String database, String user, LatencyPercentiles query, LatencyPercentiles xact,
        LatencyPercentiles waitTime) {
    public LatencySnapshot {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(xact, "xact");
        Objects.requireNonNull(waitTime, "waitTime");
    }
}
