package io.pgmux.admin.view;

/**
 * The distribution of one kind of duration (query, transaction or wait) in microseconds: its 50th, 90th, 99th and
 * 99.9th percentiles and its maximum. All 0 when nothing was recorded.
 */
public record LatencyPercentiles(long p50, long p90, long p99, long p999, long max) {
    /** Nothing recorded. */
    public static final LatencyPercentiles ZERO = new LatencyPercentiles(0, 0, 0, 0, 0);
}
