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
 * The relay's header walk: one read buffer of DataRows ending in CommandComplete and ReadyForQuery, as a server
 * sends a small result. Run with {@code -prof gc} to see allocation per operation (expected: zero).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MessageScannerBenchmark {
    @Param({"1", "100"})
    int rows;

    private ByteBuf buffer;
    private MessageScanner scanner;
    private Blackhole sink;

    @Setup
    public void setUp(Blackhole blackhole) {
        sink = blackhole;
        buffer = Unpooled.directBuffer();
        for (int i = 0; i < rows; i++) {
            buffer.writeByte(MessageType.DATA_ROW).writeInt(4 + 2 + 4 + 8).writeShort(1).writeInt(8)
                    .writeLong(i);
        }
        buffer.writeByte(MessageType.COMMAND_COMPLETE).writeInt(4 + 9).writeBytes("SELECT 1\0".getBytes());
        buffer.writeByte(MessageType.READY_FOR_QUERY).writeInt(5).writeByte(MessageType.TX_IDLE);
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
