package io.pgmux.prepared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgmux.protocol.MessageScanner;
import io.pgmux.stats.LoopStats;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server-to-client half on its own: clients' streams go through {@link FrontendRewriter}s (the server side an
 * EmbeddedChannel that swallows them), the test plays PostgreSQL's answers, and checks what each client would read,
 * for every way the answers can be cut into reads.
 */
class ResponseRelayTest {
    private StatementCache cache;
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<FrontendRewriter> rewriters = new ArrayList<>();
    private final List<ResponseRelay> relays = new ArrayList<>();

    @BeforeEach
    void setUp() {
        cache = new StatementCache();
    }

    @AfterEach
    void tearDown() {
        rewriters.forEach(FrontendRewriter::release);
        relays.forEach(ResponseRelay::release);
        for (EmbeddedChannel ch : channels) {
            ch.flushOutbound();
            ch.finishAndReleaseAll();
        }
        assertEquals(0, cache.size(), "every statement reference given back");
    }

    @Test
    void anInsertedParseIsCutAndASkippedParseIsAnsweredInItsPlace() {
        byte[] row = msg('D', new byte[] {0, 1, 0, 0, 0, 1, '1'});
        byte[] answers = concat(msg('1'), msg('2'), row, msg('C', cstr("SELECT 1")), z(), msg('3'), z());
        String expected = text(concat(msg('2'), row, msg('C', cstr("SELECT 1")), z(), msg('1'), z()));
        Scenario last = assertEverySplit(() -> {
            Side elsewhere = new Side();
            Side server = new Side();
            FrontendRewriter a = client();
            a.link(elsewhere.relay, elsewhere.channel, 200);
            send(a, msg('P', cstr("s1"), cstr("SELECT 1"), new byte[2]), msg('S'));
            elsewhere.answer(msg('1'), z());
            // a's next transaction lands on a server that lacks s1: pgmux prepares it first.
            a.link(server.relay, server.channel, 200);
            send(a, msg('B', cstr(""), cstr("s1"), new byte[6]), msg('E', cstr(""), new byte[4]), msg('S'));
            // b prepares the same text there: the server has it, a Close of nothing stands for the Parse.
            FrontendRewriter b = client();
            b.link(server.relay, server.channel, 200);
            send(b, msg('P', cstr("mine"), cstr("SELECT 1"), new byte[2]), msg('S'));
            return new Scenario(server, b);
        }, answers, expected);
        assertEquals(1, last.client.count());
        assertEquals(1, last.server.relay.count());
    }

    @Test
    void afterAnErrorTheSkippedMessagesAreUndoneAndNoParseCompleteIsMade() {
        byte[] error = msg('E', cstr("SERROR"), cstr("C42601"), new byte[1]);
        Scenario last = assertEverySplit(() -> {
            Side server = new Side();
            FrontendRewriter a = client();
            a.link(server.relay, server.channel, 200);
            send(a, msg('P', cstr("s1"), cstr("SELECT 1"), new byte[2]), msg('S'));
            server.answer(msg('1'), z());
            FrontendRewriter b = client();
            b.link(server.relay, server.channel, 200);
            send(b, msg('P', cstr("bad"), cstr("SELEC"), new byte[2]),
                    msg('P', cstr("same"), cstr("SELECT 1"), new byte[2]), msg('S'));
            return new Scenario(server, b);
        }, concat(error, z()), text(concat(error, z())));
        assertEquals(0, last.client.count(), "PostgreSQL prepared neither");
        assertEquals(1, last.server.relay.count(), "the server has s1's statement, and only it");
    }

    @Test
    void anEvictionsCloseCompleteIsCut() {
        // Parse s1, Parse s2, Close of s1's statement (evicted by s2), Sync.
        Scenario last = assertEverySplit(() -> {
            Side server = new Side();
            FrontendRewriter a = client();
            a.link(server.relay, server.channel, 1);
            send(a, msg('P', cstr("s1"), cstr("SELECT 1"), new byte[2]),
                    msg('P', cstr("s2"), cstr("SELECT 2"), new byte[2]), msg('S'));
            return new Scenario(server, a);
        }, concat(msg('1'), msg('1'), msg('3'), z()), text(concat(msg('1'), msg('1'), z())));
        assertEquals(1, last.server.relay.count());
        assertEquals(2, last.client.count());
    }

    private record Scenario(Side server, FrontendRewriter client) {
    }

    /**
     * Builds the scenario afresh for each way of cutting {@code answers} into reads (two reads cut anywhere, one byte
     * per read) and checks what the client reads; returns the last scenario, answered whole.
     */
    private Scenario assertEverySplit(Supplier<Scenario> setup, byte[] answers, String expected) {
        for (int cut = 1; cut < answers.length; cut++) {
            Scenario s = setup.get();
            assertEquals(expected, text(s.server.answerInReads(answers, cut)), "first read of " + cut + " bytes");
        }
        assertEquals(expected, text(setup.get().server.answerInReads(answers, 1)), "one byte per read");
        Scenario last = setup.get();
        assertEquals(expected, text(last.server.answerInReads(answers, answers.length)), "one read");
        return last;
    }

    private FrontendRewriter client() {
        ClientListener listener = new ClientListener();
        FrontendRewriter r = new FrontendRewriter(cache, new MessageScanner(listener),
                new LoopStats());
        listener.rewriter = r;
        rewriters.add(r);
        return r;
    }

    private static void send(FrontendRewriter r, byte[]... messages) {
        assertFalse(r.relay(Unpooled.wrappedBuffer(concat(messages))));
    }

    /** One server: the channel that receives what pgmux sends it and the relay of its answers. */
    private final class Side implements ResponseSink {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final ResponseRelay relay;
        private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();

        Side() {
            relay = new ResponseRelay(cache, new MessageScanner(new ServerListener(this)));
            channels.add(channel);
            relays.add(relay);
        }

        ResponseRelay relay() {
            return relay;
        }

        void answer(byte[]... messages) {
            byte[] all = concat(messages);
            answerInReads(all, all.length);
        }

        /**
         * Feeds the answers in a first read of {@code first} bytes and a second of the rest, or one byte per read when
         * {@code first} is 1; returns what reached the client.
         */
        byte[] answerInReads(byte[] answers, int first) {
            toClient.reset();
            if (first == 1) {
                for (int i = 0; i < answers.length; i++) {
                    read(answers, i, 1);
                }
            } else {
                read(answers, 0, Math.min(first, answers.length));
                if (first < answers.length) {
                    read(answers, first, answers.length - first);
                }
            }
            return toClient.toByteArray();
        }

        private void read(byte[] answers, int from, int n) {
            relay.relay(Unpooled.directBuffer(n).writeBytes(answers, from, n), this);
        }

        @Override
        public void writeFromServer(ByteBuf buf) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            toClient.writeBytes(bytes);
        }
    }

    /** What ServerConnection does with a linked tracking client's answers. */
    private static final class ServerListener implements MessageScanner.Listener {
        private final Side side;

        ServerListener(Side side) {
            this.side = side;
        }

        @Override
        public int onHeader(byte type, int bodyLength) {
            int action = side.relay().onHeader(type, bodyLength, true);
            return action != MessageScanner.PASS ? action : type == 'Z' ? MessageScanner.CAPTURE : action;
        }

        @Override
        public void onBody(byte type, byte[] body, int length) {
            if (type == 'Z') {
                side.relay().onReadyForQuery();
            } else if (type == 'C') {
                side.relay().onCommandComplete(body, length, true);
            }
        }
    }

    /** What ClientSession does with headers while tracking. */
    private static final class ClientListener implements MessageScanner.Listener {
        FrontendRewriter rewriter;

        @Override
        public int onHeader(byte type, int bodyLength) {
            return switch (type) {
                case 'P', 'B', 'D', 'C' -> rewriter.onHeader(type, bodyLength);
                case 'S', 'Q' -> {
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

    private static byte[] z() {
        return msg('Z', new byte[] {'I'});
    }

    private static byte[] msg(char type, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = 4;
        for (byte[] p : parts) {
            length += p.length;
        }
        out.write(type);
        out.writeBytes(ByteBuffer.allocate(4).putInt(length).array());
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] cstr(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
