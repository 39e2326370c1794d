package io.pgmux.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * {@code -prof io.pgmux.bench.ProcessCpuProfiler}: the CPU time the benchmark's JVM used per operation, all its
 * threads together (benchmark threads, event loops, GC, JIT): {@code cpu.time.norm} in ns/op, and on Linux its split
 * into {@code cpu.user.norm} and {@code cpu.sys.norm} (the kernel's part: sockets, io_uring, epoll) from
 * /proc/self/stat, which counts in 10 ms ticks. Unlike ops/s these hardly change when other processes take the
 * cores: on a shared machine they are the figures to compare, and 10^9 / cpu.time.norm is what one core would carry.
 */
public final class ProcessCpuProfiler implements InternalProfiler {
    /** Linux's USER_HZ: /proc counts CPU time in hundredths of a second. */
    private static final long NANOS_PER_TICK = 10_000_000;
    private static final Path STAT = Path.of("/proc/self/stat");

    private final OperatingSystemMXBean os =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long startNanos;
    private long[] startTicks;

    @Override
    public String getDescription() {
        return "CPU time of the whole JVM per operation, user and system";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startTicks = userAndSystemTicks();
        startNanos = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        long used = os.getProcessCpuTime() - startNanos;
        long[] ticks = userAndSystemTicks();
        double ops = result.getMetadata().getAllOps();
        List<Result> results = new ArrayList<>();
        results.add(perOp("cpu.time.norm", used, ops));
        if (ticks != null && startTicks != null) {
            results.add(perOp("cpu.user.norm", (ticks[0] - startTicks[0]) * NANOS_PER_TICK, ops));
            results.add(perOp("cpu.sys.norm", (ticks[1] - startTicks[1]) * NANOS_PER_TICK, ops));
        }
        return results;
    }

    private static Result perOp(String label, long nanos, double ops) {
        return new ScalarResult(label, ops == 0 ? Double.NaN : nanos / ops, "ns/op", AggregationPolicy.AVG);
    }

    /** utime and stime of this process, or null where there is no /proc. */
    private static long[] userAndSystemTicks() {
        try {
            String stat = Files.readString(STAT);
            // Fields after the command name (in parentheses, may hold spaces); utime and stime are the 12th and 13th.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
