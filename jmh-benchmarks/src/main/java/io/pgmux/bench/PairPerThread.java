package io.pgmux.bench;

import io.pgmux.pool.Pool;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH state for benchmarks of one shared pool under several event loops: an {@link EmbeddedPgmux} in transaction
 * pooling with a client and server pair for each core, and each benchmark thread the owner of one pair, on an event
 * loop of its own.
 */
public class PairPerThread {
    /** The engine and its pairs, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Pairs {
        private EmbeddedPgmux pgmux;
        private final AtomicInteger next = new AtomicInteger();

        @Setup
        public void setUp() throws Exception {
            pgmux = EmbeddedPgmux.start("transaction", Runtime.getRuntime().availableProcessors());
        }

        @TearDown
        public void tearDown() {
            pgmux.close();
        }
    }

    /** The calling thread's pair, and the pool. */
    @State(Scope.Thread)
    public static class Own {
        Pool pool;
        EmbeddedPgmux.Pair pair;

        @Setup
        public void take(Pairs pairs) {
            EventLoopThreads.check();
            pool = pairs.pgmux.pool();
            pair = pairs.pgmux.pair(pairs.next.getAndIncrement());
        }
    }
}
