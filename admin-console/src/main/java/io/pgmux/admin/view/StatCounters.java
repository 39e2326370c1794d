package io.pgmux.admin.view;

import java.util.List;

/**
 * PgBouncer's statistics counters, as totals since start or as averages over the last stats_period. Times are in
 * microseconds. Averages: counts and bytes are per second, times are per query, transaction or assignment.
 *
 * @param bytesReceived bytes received from clients (PgBouncer's client_bytes)
 * @param bytesSent bytes sent to clients (PgBouncer's server_bytes)
 * @param waitTime time clients waited for a server
 * @param clientParseCount prepared statements created by clients
 * @param serverParseCount prepared statements created by the pooler on servers
 * @param bindCount prepared statements bound by clients and forwarded to servers
 */
public record StatCounters(long serverAssignmentCount, long xactCount, long queryCount, long bytesReceived,
        long bytesSent, long xactTime, long queryTime, long waitTime, long clientParseCount, long serverParseCount,
        long bindCount) {
    /** Every counter 0. */
    public static final StatCounters ZERO = new StatCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The sum of these counters and {@code other}'s, counter by counter. */
    public StatCounters plus(StatCounters other) {
        return new StatCounters(serverAssignmentCount + other.serverAssignmentCount, xactCount + other.xactCount,
                queryCount + other.queryCount, bytesReceived + other.bytesReceived, bytesSent + other.bytesSent,
                xactTime + other.xactTime, queryTime + other.queryTime, waitTime + other.waitTime,
                clientParseCount + other.clientParseCount, serverParseCount + other.serverParseCount,
                bindCount + other.bindCount);
    }

    /** The counters in the order above, which is the order of PgBouncer's stats columns. */
    public List<Long> values() {
        return List.of(serverAssignmentCount, xactCount, queryCount, bytesReceived, bytesSent, xactTime, queryTime,
                waitTime, clientParseCount, serverParseCount, bindCount);
    }
}
