package io.pgmux.bench;

import io.pgmux.stats.LoopStats;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the statistics add to the relay for one single-statement transaction in transaction pooling: the server
 * assignment (with its wait, 0 here), the query and transaction start, the client's and the server's bytes, and
 * the query and transaction ends with their histogram records. Durations vary as real ones do, so the histograms'
 * bucket lookups are not all the same. Expected: tens of nanoseconds and no allocation ({@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StatsRecordingBenchmark {
    private LoopStats stats;
    private long duration;

    @Setup
    public void setUp() {
        stats = new LoopStats();
        // Grow the histograms to the range the benchmark uses first: their growth is not per query.
        stats.queryDone(10_000_000_000L);
        stats.transactionDone(10_000_000_000L);
    }

    @Benchmark
    public void oneTransaction() {
        long d = duration = (duration * 6364136223846793005L + 1442695040888963407L);
        long nanos = 50_000 + ((d >>> 40) & 0xFFFFF) * 10;
        stats.assigned(0);
        stats.queryStarted(true);
        stats.clientBytes(27);
        stats.serverBytes(120);
        stats.queryDone(nanos);
        stats.transactionDone(nanos);
    }
}
