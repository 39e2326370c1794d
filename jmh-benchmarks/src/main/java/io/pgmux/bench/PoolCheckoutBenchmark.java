package io.pgmux.bench;

import io.pgmux.pool.Pool;
import io.pgmux.session.ClientSession;
import io.pgmux.session.ServerConnection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
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
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.pgmux.bench.EventLoopThreads"})
public class PoolCheckoutBenchmark {
    private EmbeddedPgmux pgmux;
    private final AtomicInteger nextPair = new AtomicInteger();

    /** One client and its server per benchmark thread. */
    @State(Scope.Thread)
    public static class OwnPair {
        private Pool pool;
        private ClientSession client;
        private ServerConnection server;

        @Setup
        public void take(PoolCheckoutBenchmark benchmark) {
            EventLoopThreads.check();
            EmbeddedPgmux.Pair pair = benchmark.pgmux.pair(benchmark.nextPair.getAndIncrement());
            pool = benchmark.pgmux.pool();
            client = pair.session();
            server = pair.serverConnection();
        }
    }

    @Setup
    public void setUp() throws Exception {
        pgmux = EmbeddedPgmux.start("transaction", Runtime.getRuntime().availableProcessors());
    }

    @TearDown
    public void tearDown() {
        pgmux.close();
    }

    @Benchmark
    @Threads(1)
    public void oneThread(OwnPair pair) {
        checkoutAndRelease(pair);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void allThreads(OwnPair pair) {
        checkoutAndRelease(pair);
    }

    private static void checkoutAndRelease(OwnPair pair) {
        if (pair.pool.checkout(pair.client) != null) {
            throw new IllegalStateException("the client had to wait: its loop had no idle server");
        }
        pair.server.unlink(true);
    }
}
