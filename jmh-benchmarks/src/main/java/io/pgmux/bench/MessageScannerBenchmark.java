package io.pgmux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgmux.protocol.MessageScanner;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Frame header decoding: the relay's walk over the 5-byte headers of one read buffer, with a listener that passes
 * every message and captures ReadyForQuery's body, as the server side does. {@code side=request} walks what a client
 * sends (a Query, or Parse/Bind/Execute/Sync), {@code side=response} what PostgreSQL answers (RowDescription or
 * ParseComplete/BindComplete, DataRows, CommandComplete, ReadyForQuery); see {@link Exchange}.
 *
 * <p>How to read it: ns/op is per buffer; divide by its messages (request: 1, or 4 for EXTENDED_1_ROW; response: 4,
 * 103 or 5) for the cost per header. Expected allocation ({@code -prof gc}): none.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MessageScannerBenchmark {
    @Param
    Exchange exchange;

    @Param({"request", "response"})
    String side;

    private ByteBuf buffer;
    private MessageScanner scanner;
    private Blackhole sink;

    @Setup
    public void setUp(Blackhole blackhole) {
        sink = blackhole;
        byte[] bytes = side.equals("request") ? exchange.request() : exchange.response(MessageType.TX_IDLE);
        buffer = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        scanner = new MessageScanner(new MessageScanner.Listener() {
            @Override
            public int onHeader(byte type, int bodyLength) {
                return type == MessageType.READY_FOR_QUERY ? MessageScanner.CAPTURE : MessageScanner.PASS;
            }

            @Override
            public void onBody(byte type, byte[] body, int length) {
                sink.consume(body[0]);
            }
        });
    }

    @Benchmark
    public int scanReadBuffer() {
        return scanner.scan(buffer);
    }
}
