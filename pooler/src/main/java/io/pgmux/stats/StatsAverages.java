package io.pgmux.stats;

import io.pgmux.admin.view.StatCounters;

/**
 * PgBouncer's averages (stats.c calc_average): counts and bytes per second over a period, and times per query,
 * per transaction and per server assignment of that period.
 */
public final class StatsAverages {
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private StatsAverages() {
    }

    /**
     * The averages between {@code older} and {@code current}, {@code micros} apart; all 0 for an empty period.
     * Integer arithmetic, rounding down, as PgBouncer's.
     */
    public static StatCounters of(StatCounters current, StatCounters older, long micros) {
        if (micros <= 0) {
            return StatCounters.ZERO;
        }
        long assignments = current.serverAssignmentCount() - older.serverAssignmentCount();
        long xacts = current.xactCount() - older.xactCount();
        long queries = current.queryCount() - older.queryCount();
        return new StatCounters(
                perSecond(assignments, micros),
                perSecond(xacts, micros),
                perSecond(queries, micros),
                perSecond(current.bytesReceived() - older.bytesReceived(), micros),
                perSecond(current.bytesSent() - older.bytesSent(), micros),
                per(current.xactTime() - older.xactTime(), xacts),
                per(current.queryTime() - older.queryTime(), queries),
                per(current.waitTime() - older.waitTime(), assignments),
                perSecond(current.clientParseCount() - older.clientParseCount(), micros),
                perSecond(current.serverParseCount() - older.serverParseCount(), micros),
                perSecond(current.bindCount() - older.bindCount(), micros));
    }

    /**
     * {@code delta * 1e6 / micros} rounded down, without overflowing for any delta (exact for periods up to about a
     * hundred days).
     */
    static long perSecond(long delta, long micros) {
        return delta / micros * MICROS_PER_SECOND + delta % micros * MICROS_PER_SECOND / micros;
    }

    private static long per(long total, long count) {
        return count > 0 ? total / count : 0;
    }
}
