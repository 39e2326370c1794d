package io.pgmux.bench;

import io.pgmux.protocol.MessageType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request relayed client to server and its answer relayed back, through pgmux's production handlers on
 * EmbeddedChannels ({@link EmbeddedPgmux}): ClientSession's header walk and write to the server, ServerConnection's
 * header walk, ReadyForQuery tracking and write to the client, the statistics, and in transaction pooling the
 * checkout and release of the server around each request. No sockets and no threads: this is the cost of pgmux's
 * own code per round trip, which a real relay adds to the kernel's.
 *
 * <p>How to read it: ops/s are round trips per second on one thread; {@code relayedBytes} is the bytes relayed per
 * second, both directions together. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the heap allocated per round
 * trip; the harness adds nothing (the buffers it feeds are pooled, as socket reads are), so it is pgmux's own.
 * {@code session} minus {@code transaction} time is what the pool costs per transaction.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.pgmux.bench.EventLoopThreads"})
public class RelayBenchmark {
    @Param({"session", "transaction"})
    String poolMode;

    @Param
    Exchange exchange;

    private EmbeddedPgmux pgmux;
    private EmbeddedPgmux.Pair pair;
    private byte[] request;
    private byte[] response;

    /** Bytes relayed, reported per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Relayed {
        public long relayedBytes;

        @Setup(Level.Iteration)
        public void reset() {
            relayedBytes = 0;
        }
    }

    @Setup
    public void setUp() throws Exception {
        EventLoopThreads.check();
        pgmux = EmbeddedPgmux.start(poolMode, 1);
        pair = pgmux.pair(0);
        request = exchange.request();
        response = exchange.response(MessageType.TX_IDLE);
    }

    @TearDown
    public void tearDown() {
        pgmux.close();
    }

    @Benchmark
    public void roundTrip(Relayed relayed) {
        relayed.relayedBytes += pair.roundTrip(request, response);
    }
}
