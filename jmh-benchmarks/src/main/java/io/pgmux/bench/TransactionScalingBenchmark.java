package io.pgmux.bench;

import io.pgmux.protocol.MessageType;
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
 * Whether pgmux's own code carries twice as much on two event loops as on one: each benchmark thread plays one event
 * loop running pgbench -S transactions of its own client in transaction pooling (the request relayed, a server
 * checked out of the one shared pool and released at ReadyForQuery, the answer relayed), on EmbeddedChannels
 * ({@link EmbeddedPgmux}). No kernel and no peers take a share of the cores, unlike {@link LoopScalingBenchmark}: what
 * keeps {@code allThreads} from {@code oneThread} times the threads is what the loops share in pgmux (the pool's
 * atomics, the statement cache, memory bandwidth) or the machine's other work.
 *
 * <p>How to read it: ops/s are transactions per second over all threads; on this 2-core machine MAX is 2.
 * {@code cpu.time.norm} ({@code -prof io.pgmux.bench.ProcessCpuProfiler}) staying level means the loops do not
 * slow each other down.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.pgmux.bench.EventLoopThreads"})
public class TransactionScalingBenchmark {
    private static final byte[] REQUEST = Exchange.SIMPLE_1_ROW.request();
    private static final byte[] RESPONSE = Exchange.SIMPLE_1_ROW.response(MessageType.TX_IDLE);

    @Benchmark
    @Threads(1)
    public int oneThread(PairPerThread.Own own) {
        return own.pair.roundTrip(REQUEST, RESPONSE);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public int allThreads(PairPerThread.Own own) {
        return own.pair.roundTrip(REQUEST, RESPONSE);
    }
}
