package io.pgmux.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whether two event loops carry twice what one carries, end to end: pgmux started as the daemon starts it, with
 * {@code loops} event loops, in front of a fake PostgreSQL, and {@code clients} clients over loopback TCP each running
 * pgbench -S's exchange (a one-row Query) back to back ({@link LoopbackPgmux}). The peers run on pgmux's loops too, so
 * the loops carry the whole load and nothing else needs a core. In transaction pooling every round trip also checks a
 * server out of the one shared pool and releases it; the pool is as large as the clients, so each loop keeps servers
 * of its own and no client waits (pgmux links no client to another loop's server here).
 *
 * <p>With 2 loops each loop has half of every kind of connection, but Netty places new channels on the loops in turn,
 * so one round trip's four connections (client, pgmux's two, fake server) are not all on one loop: each crossing is a
 * wake-up of the other loop, paid in kernel time. That cost belongs to the benchmark's layout, not to pgmux; {@link
 * TransactionScalingBenchmark} measures pgmux's own code on 1 and 2 threads without it.
 *
 * <p>How to read it: ops/s are round trips (transactions) per second over all clients; compare loops=2 with loops=1.
 * On a 2-core machine shared with other work the 2-loop figure is a lower bound. {@code cpu.time.norm} ({@code -prof
 * io.pgmux.bench.ProcessCpuProfiler}) is the whole process's CPU per round trip, pgmux and peers, mostly the kernel's
 * ({@code cpu.sys.norm}). {@code -prof gc} gives the allocation per round trip of the whole process; the peers
 * allocate nothing of their own per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(LoopScalingBenchmark.BATCH)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LoopScalingBenchmark {
    /** Round trips one invocation waits for. */
    static final int BATCH = 1000;

    @Param({"1", "2"})
    int loops;

    @Param({"session", "transaction"})
    String poolMode;

    @Param({"8"})
    int clients;

    /** pgmux's {@code transport}: auto picks io_uring, then epoll, then NIO, as the daemon does. */
    @Param({"auto"})
    String transport;

    private LoopbackPgmux pgmux;
    private long target;

    @Setup
    public void setUp() throws Exception {
        pgmux = LoopbackPgmux.start(loops, transport, poolMode, clients, clients, Exchange.SIMPLE_1_ROW);
    }

    @Setup(Level.Iteration)
    public void startCounting() {
        target = pgmux.transactions();
    }

    @TearDown
    public void tearDown() {
        pgmux.close();
    }

    @Benchmark
    public void roundTrips() {
        target += BATCH;
        pgmux.awaitTransactions(target);
    }
}
