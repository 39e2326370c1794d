package io.pgmux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.pgmux.protocol.ClientLoginDecoder;
import io.pgmux.protocol.PgMessages;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Decoding a client's StartupMessage, the first step of every connection (matters in connection storms). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StartupDecodeBenchmark {
    private ByteBuf startup;

    @Setup
    public void setUp() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "app");
        params.put("database", "appdb");
        params.put("application_name", "pgbench");
        params.put("client_encoding", "UTF8");
        startup = Unpooled.directBuffer();
        PgMessages.startupMessage(startup, params);
    }

    @Benchmark
    public Object decodeStartupMessage() {
        EmbeddedChannel channel = new EmbeddedChannel(new ClientLoginDecoder());
        channel.writeInbound(startup.retainedDuplicate());
        Object message = channel.readInbound();
        ReferenceCountUtil.release(message);
        channel.finishAndReleaseAll();
        return message;
    }
}
