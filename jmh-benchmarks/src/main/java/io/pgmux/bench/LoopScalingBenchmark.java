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
 * Whether two event loops carry twice what one carries: pgmux started as the daemon starts it, with {@code loops}
 * event loops, in front of a fake PostgreSQL, and {@code clients} clients over loopback TCP each running pgbench -S's
 * exchange (a one-row Query) back to back ({@link LoopbackPgmux}). The peers run on pgmux's loops too, spread evenly,
 * so the loops carry the whole load and nothing else needs a core: with 2 loops each thread has half the clients,
 * half the fake servers and half of pgmux's connections, and a perfect pooler doubles the rate. In transaction pooling
 * every round trip also checks a server out of the one shared pool and releases it; the pool is as large as the
 * clients, so each loop keeps servers of its own and no client waits.
 *
 * <p>How to read it: ops/s are round trips (transactions) per second over all clients; compare loops=2 with
 * loops=1. The machine must have a free core per loop for the ratio to mean anything: on a 2-core machine shared with
 * other work, the 2-loop figure is a lower bound. {@code -prof gc} gives the allocation per round trip of the whole
 * process (pgmux, transport and the peers, which allocate nothing of their own per request).
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
