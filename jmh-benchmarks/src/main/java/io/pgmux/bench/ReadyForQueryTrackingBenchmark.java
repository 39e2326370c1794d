package io.pgmux.bench;

import io.pgmux.protocol.MessageType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The server-to-client half of the relay, which watches for ReadyForQuery: one read of a server's answer goes through
 * ServerConnection as it does in production ({@link EmbeddedPgmux}): its header walk with ServerConnection as the
 * listener (ReadyForQuery's body captured for the transaction status, every other message passed), in transaction
 * pooling the prepared-statement ResponseRelay's look at each header and its ResponseQueue at ReadyForQuery, the
 * write to the client, the flush, and the client's handling of the ReadyForQuery. The server stays linked: the answer
 * ends with status {@code I} in session pooling and {@code T} (inside a transaction) in transaction pooling.
 *
 * <p>How to read it: ns/op is per server read; divide by the messages in it (4 for SIMPLE_1_ROW, 103 for
 * SIMPLE_100_ROWS) for the cost per message, and compare with MessageScannerBenchmark's bare header walk of the same
 * bytes. Expected allocation ({@code -prof gc}): none.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.pgmux.bench.EventLoopThreads"})
public class ReadyForQueryTrackingBenchmark {
    @Param({"session", "transaction"})
    String poolMode;

    @Param({"SIMPLE_1_ROW", "SIMPLE_100_ROWS"})
    Exchange exchange;

    private EmbeddedPgmux pgmux;
    private EmbeddedPgmux.Pair pair;
    private byte[] answer;

    @Setup
    public void setUp() throws Exception {
        EventLoopThreads.check();
        pgmux = EmbeddedPgmux.start(poolMode, 1);
        pair = pgmux.pair(0);
        byte status = poolMode.equals("session") ? MessageType.TX_IDLE : MessageType.TX_IN_TRANSACTION;
        // In transaction pooling the client takes the server now and keeps it while the transaction is open.
        pair.roundTrip(exchange.request(), exchange.response(status));
        answer = exchange.response(status);
    }

    @TearDown
    public void tearDown() {
        pgmux.close();
    }

    @Benchmark
    public int serverAnswer() {
        pair.serverSends(answer);
        return pair.clientReceived();
    }
}
