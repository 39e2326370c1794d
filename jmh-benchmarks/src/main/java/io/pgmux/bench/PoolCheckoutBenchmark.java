package io.pgmux.bench;

import io.pgmux.pool.Pool;
import io.pgmux.session.ServerConnection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A server checked out of the pool and released, as transaction pooling does around every transaction: {@link
 * Pool#checkout} hands the client the idle server of its own event loop and the client links it ({@code
 * ClientSession.onServerAssigned}); {@link ServerConnection#unlink} gives it back and {@link Pool#release} makes it
 * idle again. Real Engine, Pool, ClientSession and ServerConnection objects on EmbeddedChannels ({@link
 * EmbeddedPgmux}); no request is relayed.
 *
 * <p>How to read it: {@code oneThread} is the cost on one loop alone; {@code allThreads} runs one client per thread,
 * each on an event loop of its own, all on the one shared pool, and reports the sum over threads. Per-loop state
 * needs no sharing, so the sum should grow with the threads; what does not is the price of the pool's shared atomics
 * (idle counts, waiter queue, limits). On this 2-core machine MAX is 2 threads. {@code -prof gc} shows the
 * allocation per cycle.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.pgmux.bench.EventLoopThreads"})
public class PoolCheckoutBenchmark {
    @Benchmark
    @Threads(1)
    public void oneThread(PairPerThread.Own own) {
        checkoutAndRelease(own);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void allThreads(PairPerThread.Own own) {
        checkoutAndRelease(own);
    }

    private static void checkoutAndRelease(PairPerThread.Own own) {
        if (own.pool.checkout(own.pair.session()) != null) {
            throw new IllegalStateException("the client had to wait: its loop had no idle server");
        }
        own.pair.serverConnection().unlink(true);
    }
}
