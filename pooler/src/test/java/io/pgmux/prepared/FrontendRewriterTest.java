package io.pgmux.prepared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgmux.admin.view.StatCounters;
import io.pgmux.protocol.MessageScanner;
import io.pgmux.stats.LoopStats;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client-to-server rewrite on its own, with an EmbeddedChannel as the server: the bytes that reach the server do
 * not depend on how the client's stream was cut into reads, named statements are renamed and prepared where missing,
 * unnamed ones pass untouched.
 */
class FrontendRewriterTest {

    /** A stream using every message the rewriter looks at, named and unnamed, with a Bind carrying a parameter. */
    private static byte[] clientStream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message(out, 'P', cstr("s1"), cstr("SELECT $1::int"), new byte[] {0, 1, 0, 0, 0, 23});
        message(out, 'B', cstr("portal"), cstr("s1"), new byte[] {0, 0, 0, 1, 0, 0, 0, 2, '4', '2', 0, 0});
        message(out, 'D', new byte[] {'S'}, cstr("s1"));
        message(out, 'E', cstr("portal"), new byte[4]);
        message(out, 'P', cstr(""), cstr("SELECT 1"), new byte[2]);
        message(out, 'B', cstr(""), cstr(""), new byte[6]);
        message(out, 'D', new byte[] {'P'}, cstr(""));
        message(out, 'C', new byte[] {'S'}, cstr("s1"));
        message(out, 'S');
        return out.toByteArray();
    }

    @Test
    void namedStatementsAreRenamedAndUnnamedOnesPassAsTheyAre() {
        byte[] sent = rewrite(clientStream(), new int[0]);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        message(expected, 'P', cstr("PGBOUNCER_1"), cstr("SELECT $1::int"), new byte[] {0, 1, 0, 0, 0, 23});
        message(expected, 'B', cstr("portal"), cstr("PGBOUNCER_1"),
                new byte[] {0, 0, 0, 1, 0, 0, 0, 2, '4', '2', 0, 0});
        message(expected, 'D', new byte[] {'S'}, cstr("PGBOUNCER_1"));
        message(expected, 'E', cstr("portal"), new byte[4]);
        message(expected, 'P', cstr(""), cstr("SELECT 1"), new byte[2]);
        message(expected, 'B', cstr(""), cstr(""), new byte[6]);
        message(expected, 'D', new byte[] {'P'}, cstr(""));
        message(expected, 'C', new byte[] {'S'}, cstr("PGBOUNCER_0"));
        message(expected, 'S');
        assertEquals(new String(expected.toByteArray(), StandardCharsets.ISO_8859_1),
                new String(sent, StandardCharsets.ISO_8859_1));
    }

    @Test
    void theResultDoesNotDependOnWhereReadsEnd() {
        byte[] stream = clientStream();
        byte[] whole = rewrite(stream, new int[0]);
        for (int cut = 1; cut < stream.length; cut++) {
            assertArrayEquals(whole, rewrite(stream, new int[] {cut}), "cut at " + cut);
        }
        int[] everyByte = new int[stream.length - 1];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        assertArrayEquals(whole, rewrite(stream, everyByte), "one byte per read");
    }

    /** Feeds {@code stream} to a fresh rewriter in reads ending at {@code cuts}; returns what the server got. */
    private static byte[] rewrite(byte[] stream, int[] cuts) {
        StatementCache cache = new StatementCache();
        EmbeddedChannel server = new EmbeddedChannel();
        RewritingListener listener = new RewritingListener();
        MessageScanner scanner = new MessageScanner(listener);
        LoopStats counters = new LoopStats();
        FrontendRewriter rewriter = new FrontendRewriter(cache, scanner, counters);
        listener.rewriter = rewriter;
        ResponseRelay relay = new ResponseRelay(cache, new MessageScanner(listener));
        rewriter.link(relay, server, 200);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            ByteBuf read = Unpooled.directBuffer(to - from).writeBytes(stream, from, to - from);
            assertFalse(rewriter.relay(read));
            from = to;
        }
        assertTrue(rewriter.atMessageBoundary());
        assertEquals(0, rewriter.count(), "the client closed s1");
        StatCounters counted = counters.counters();
        assertEquals(List.of(1L, 1L, 1L), List.of(counted.clientParseCount(), counted.serverParseCount(),
                counted.bindCount()), "client Parse, server Parse, Bind");
        server.flushOutbound();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteBuf out;
        while ((out = server.readOutbound()) != null) {
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            out.release();
            sent.writeBytes(bytes);
        }
        assertFalse(server.finish());
        rewriter.release();
        relay.release();
        assertEquals(0, cache.size(), "every reference given back");
        return sent.toByteArray();
    }

    /** What ClientSession does with headers while tracking: statement messages to the rewriter, Sync counted. */
    private static final class RewritingListener implements MessageScanner.Listener {
        FrontendRewriter rewriter;

        @Override
        public int onHeader(byte type, int bodyLength) {
            return switch (type) {
                case 'P', 'B', 'D', 'C' -> rewriter.onHeader(type, bodyLength);
                case 'S' -> {
                    rewriter.requestSent();
                    yield MessageScanner.PASS;
                }
                default -> MessageScanner.PASS;
            };
        }

        @Override
        public void onBody(byte type, byte[] body, int length) {
        }
    }

    private static void message(ByteArrayOutputStream out, char type, byte[]... parts) {
        int length = 4;
        for (byte[] p : parts) {
            length += p.length;
        }
        out.write(type);
        out.writeBytes(ByteBuffer.allocate(4).putInt(length).array());
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
    }

    private static byte[] cstr(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }
}
