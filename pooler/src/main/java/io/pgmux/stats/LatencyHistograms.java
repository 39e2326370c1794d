package io.pgmux.stats;

import io.pgmux.admin.view.LatencyPercentiles;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

/**
 * The distributions of query, transaction and wait times of one pool, in microseconds (HdrHistogram). Values are
 * kept to two significant digits (within 1%), which keeps each histogram a few kilobytes; the histograms grow as
 * longer times arrive. Not thread-safe: one owner at a time.
 */
public final class LatencyHistograms {
    /** Two significant digits: percentiles within 1% of the true value. */
    private static final int SIGNIFICANT_DIGITS = 2;

    private final Histogram query;
    private final Histogram xact;
    private final Histogram wait;

    public LatencyHistograms() {
        this(new Histogram(SIGNIFICANT_DIGITS), new Histogram(SIGNIFICANT_DIGITS), new Histogram(SIGNIFICANT_DIGITS));
    }

    private LatencyHistograms(Histogram query, Histogram xact, Histogram wait) {
        this.query = query;
        this.xact = xact;
        this.wait = wait;
    }

    void recordQuery(long micros) {
        query.recordValue(micros);
    }

    void recordXact(long micros) {
        xact.recordValue(micros);
    }

    void recordWait(long micros) {
        wait.recordValue(micros);
    }

    /** Query times. */
    public AbstractHistogram query() {
        return query;
    }

    /** Transaction times. */
    public AbstractHistogram xact() {
        return xact;
    }

    /** Wait times, one per server assignment (0 when the client did not wait). */
    public AbstractHistogram waitTime() {
        return wait;
    }

    /** An independent copy. */
    public LatencyHistograms copy() {
        return new LatencyHistograms(query.copy(), xact.copy(), wait.copy());
    }

    /** Adds {@code other}'s values to these (merging loops). */
    public void add(LatencyHistograms other) {
        query.add(other.query);
        xact.add(other.xact);
        wait.add(other.wait);
    }

    /**
     * The values recorded since {@code earlier}, a copy of these same histograms taken before: these counts minus
     * its counts.
     */
    public LatencyHistograms since(LatencyHistograms earlier) {
        LatencyHistograms d = copy();
        d.query.subtract(earlier.query);
        d.xact.subtract(earlier.xact);
        d.wait.subtract(earlier.wait);
        return d;
    }

    /** The percentiles of one histogram; all 0 when it is empty. */
    public static LatencyPercentiles percentiles(AbstractHistogram h) {
        if (h.getTotalCount() == 0) {
            return LatencyPercentiles.ZERO;
        }
        return new LatencyPercentiles(h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
