package io.pgmux.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ClientLoginDecoder on an EmbeddedChannel: every frame whole, split at every byte, and byte by byte. */
class ClientLoginDecoderTest {
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel(new ClientLoginDecoder());
    }

    @AfterEach
    void tearDown() {
        assertFalse(channel.finish(), "nothing left over");
    }

    // ---- startup packets ----

    @Test
    void decodesStartupMessageWithParametersInOrder() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "alice");
        params.put("database", "appdb");
        params.put("application_name", "billing");
        byte[] frame = startup(MessageType.PROTOCOL_3_0, params);
        forEveryFeeding(frame, 1, messages -> {
            StartupPacket.StartupMessage m = assertInstanceOf(StartupPacket.StartupMessage.class, messages.get(0));
            assertEquals(3, m.majorVersion());
            assertEquals(0, m.minorVersion());
            assertEquals(params, m.parameters());
            assertEquals(List.of("user", "database", "application_name"), List.copyOf(m.parameters().keySet()));
        });
    }

    @Test
    void decodesStartupMessageWithNewerMinorVersion() {
        byte[] frame = startup(MessageType.PROTOCOL_3_0 + 2, Map.of("user", "bob"));
        forEveryFeeding(frame, 1, messages -> {
            StartupPacket.StartupMessage m = assertInstanceOf(StartupPacket.StartupMessage.class, messages.get(0));
            assertEquals(3, m.majorVersion());
            assertEquals(2, m.minorVersion());
            assertEquals(Map.of("user", "bob"), m.parameters());
        });
    }

    @Test
    void decodesStartupMessageWithoutParameters() {
        byte[] frame = startup(MessageType.PROTOCOL_3_0, Map.of());
        assertEquals(9, frame.length);
        forEveryFeeding(frame, 1, messages -> assertEquals(Map.of(),
                assertInstanceOf(StartupPacket.StartupMessage.class, messages.get(0)).parameters()));
    }

    @Test
    void acceptsStartupMessageOfExactlyTheMaximumLength() {
        String padding = "x".repeat(ClientLoginDecoder.MAX_STARTUP_LENGTH - 8 - "user".length() - 3);
        byte[] frame = startup(MessageType.PROTOCOL_3_0, Map.of("user", padding));
        assertEquals(ClientLoginDecoder.MAX_STARTUP_LENGTH, frame.length);
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(frame)));
        StartupPacket.StartupMessage m = channel.readInbound();
        assertEquals(padding, m.parameters().get("user"));
    }

    @Test
    void decodesSslRequest() {
        forEveryFeeding(ints(8, MessageType.SSL_REQUEST_CODE), 1,
                messages -> assertEquals(new StartupPacket.SslRequest(), messages.get(0)));
    }

    @Test
    void decodesGssEncRequest() {
        forEveryFeeding(ints(8, MessageType.GSSENC_REQUEST_CODE), 1,
                messages -> assertEquals(new StartupPacket.GssEncRequest(), messages.get(0)));
    }

    @Test
    void decodesCancelRequest() {
        forEveryFeeding(ints(16, MessageType.CANCEL_REQUEST_CODE, 0x12345678, -2), 1,
                messages -> assertEquals(new StartupPacket.CancelRequest(0x12345678, -2), messages.get(0)));
    }

    @Test
    void decodesStartupMessageAfterSslRequestInALaterRead() {
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(ints(8, MessageType.SSL_REQUEST_CODE))));
        assertEquals(new StartupPacket.SslRequest(), channel.readInbound());
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(startup(MessageType.PROTOCOL_3_0,
                Map.of("user", "u")))));
        StartupPacket.StartupMessage m = channel.readInbound();
        assertEquals(Map.of("user", "u"), m.parameters());
    }

    // ---- typed messages after the startup message ----

    @Test
    void decodesTypedMessagesAfterStartupMessage() {
        byte[] password = typed('p', cstring("secret"));
        byte[] sasl = typed('p', "n,,n=,r=abc".getBytes(StandardCharsets.US_ASCII));
        byte[] stream = concat(startup(MessageType.PROTOCOL_3_0, Map.of("user", "u")), password, sasl);
        forEveryFeeding(stream, 3, messages -> {
            assertInstanceOf(StartupPacket.StartupMessage.class, messages.get(0));
            LoginMessage first = assertInstanceOf(LoginMessage.class, messages.get(1));
            assertEquals('p', first.type());
            assertArrayEquals(cstring("secret"), ByteBufUtil.getBytes(first.body()));
            LoginMessage second = assertInstanceOf(LoginMessage.class, messages.get(2));
            assertEquals('p', second.type());
            assertEquals("n,,n=,r=abc", second.body().toString(StandardCharsets.US_ASCII));
        });
    }

    @Test
    void decodesTypedMessageWithEmptyBody() {
        byte[] stream = concat(startup(MessageType.PROTOCOL_3_0, Map.of("user", "u")), typed('p', new byte[0]));
        forEveryFeeding(stream, 2, messages -> {
            LoginMessage m = assertInstanceOf(LoginMessage.class, messages.get(1));
            assertEquals('p', m.type());
            assertFalse(m.body().isReadable());
        });
    }

    @Test
    void decodesPasswordMessageSentBeforeAnyStartupPacket() {
        // PgBouncer reads it as a PasswordMessage and answers "client password pkt before startup packet".
        forEveryFeeding(typed('p', cstring("secret")), 1, messages -> {
            LoginMessage m = assertInstanceOf(LoginMessage.class, messages.get(0));
            assertEquals('p', m.type());
            assertArrayEquals(cstring("secret"), ByteBufUtil.getBytes(m.body()));
        });
    }

    @Test
    void decodesStartupMessageResentAfterTheFirst() {
        // PgBouncer reads a second startup packet during login as one and answers "client re-sent startup pkt".
        byte[] stream = concat(startup(MessageType.PROTOCOL_3_0, Map.of("user", "u")), typed('p', cstring("pw")),
                startup(MessageType.PROTOCOL_3_0, Map.of("user", "other")));
        forEveryFeeding(stream, 3, messages -> {
            assertEquals(Map.of("user", "u"),
                    assertInstanceOf(StartupPacket.StartupMessage.class, messages.get(0)).parameters());
            assertInstanceOf(LoginMessage.class, messages.get(1));
            assertEquals(Map.of("user", "other"),
                    assertInstanceOf(StartupPacket.StartupMessage.class, messages.get(2)).parameters());
        });
    }

    // ---- errors ----

    @Test
    void rejectsStartupLengthBelowEight() {
        byte[] header = ints(7, MessageType.PROTOCOL_3_0);
        assertRejectedAtEveryFeeding(header, "bad packet header: '0000000700030000'");
    }

    @Test
    void rejectsStartupLengthAboveLimit() {
        byte[] header = concat(ints(ClientLoginDecoder.MAX_STARTUP_LENGTH + 1, MessageType.PROTOCOL_3_0),
                cstring("user"));
        assertRejectedAtEveryFeeding(header, "bad packet header: '0000271100030000'");
    }

    @Test
    void rejectsOversizedStartupLengthFromItsHeaderAlone() {
        // Only the 8-byte header arrives: the error comes at once, without waiting for (or allocating) a megabyte.
        assertRejected(ints(1_000_000, MessageType.PROTOCOL_3_0), "bad packet header: '000f424000030000'");
    }

    @Test
    void rejectsNegativeStartupLength() {
        assertRejectedAtEveryFeeding(ints(-1, MessageType.PROTOCOL_3_0), "bad packet header: 'ffffffff00030000'");
    }

    @Test
    void rejectsProtocolVersionTwo() {
        byte[] frame = startup(0x00020000, Map.of("user", "u"));
        assertRejectedAtEveryFeeding(frame, "old V2 protocol not supported");
    }

    @Test
    void rejectsUnknownProtocolVersionAboveThree() {
        byte[] frame = startup(0x00040000, Map.of("user", "u"));
        assertRejected(frame, "bad packet header: '" + hex(frame, 8) + "'");
    }

    @Test
    void rejectsStartupMessageWithoutFinalTerminator() {
        // user\0alice\0 and no empty name to end the list
        byte[] frame = withLength(concat(ints(MessageType.PROTOCOL_3_0), cstring("user"), cstring("alice")));
        assertRejectedAtEveryFeeding(frame, "invalid startup packet layout: expected terminator as last byte");
    }

    @Test
    void rejectsStartupMessageWithValueCutOff() {
        byte[] frame = withLength(concat(ints(MessageType.PROTOCOL_3_0), cstring("user"),
                "alice".getBytes(StandardCharsets.US_ASCII)));
        assertRejectedAtEveryFeeding(frame, "invalid startup packet layout: expected terminator as last byte");
    }

    @Test
    void rejectsStartupMessageWithNameWithoutValue() {
        byte[] frame = withLength(concat(ints(MessageType.PROTOCOL_3_0), cstring("user")));
        assertRejectedAtEveryFeeding(frame, "invalid startup packet layout: expected terminator as last byte");
    }

    @Test
    void rejectsStartupMessageWithBytesAfterTheTerminator() {
        byte[] frame = withLength(concat(ints(MessageType.PROTOCOL_3_0), cstring("user"), cstring("alice"),
                new byte[] {0}, cstring("extra")));
        assertRejectedAtEveryFeeding(frame, "invalid startup packet layout: expected terminator as last byte");
    }

    @Test
    void rejectsSslRequestWithWrongLength() {
        byte[] frame = ints(12, MessageType.SSL_REQUEST_CODE, 0);
        assertRejectedAtEveryFeeding(frame, "bad packet header: '0000000c04d2162f'");
    }

    @Test
    void rejectsCancelRequestWithWrongLength() {
        byte[] frame = ints(12, MessageType.CANCEL_REQUEST_CODE, 1);
        assertRejectedAtEveryFeeding(frame, "bad packet header: '0000000c04d2162e'");
    }

    @Test
    void rejectsUnencryptedDataAfterSslRequest() {
        byte[] stream = concat(ints(8, MessageType.SSL_REQUEST_CODE), startup(MessageType.PROTOCOL_3_0,
                Map.of("user", "u")));
        assertRejected(stream, "received unencrypted data after SSL request");
    }

    @Test
    void rejectsUnencryptedDataAfterGssEncRequest() {
        byte[] stream = concat(ints(8, MessageType.GSSENC_REQUEST_CODE), new byte[] {0});
        assertRejected(stream, "received unencrypted data after GSSAPI encryption request");
    }

    @Test
    void rejectsTypedMessageWithLengthBelowFour() {
        byte[] stream = concat(startup(MessageType.PROTOCOL_3_0, Map.of("user", "u")),
                new byte[] {'p', 0, 0, 0, 3, 'a', 'b', 'c'});
        assertTypedRejected(stream, "bad packet header: '7000000003616263'", "bad packet header: '7000000003'");
    }

    @Test
    void rejectsTypedMessageAboveLimit() {
        byte[] stream = concat(startup(MessageType.PROTOCOL_3_0, Map.of("user", "u")),
                new byte[] {'p', 0, 0, 0x27, 0x11, 'a', 'b', 'c'});
        assertTypedRejected(stream, "bad packet header: '7000002711616263'", "bad packet header: '7000002711'");
    }

    @Test
    void rejectsNegativeTypedLength() {
        byte[] stream = concat(startup(MessageType.PROTOCOL_3_0, Map.of("user", "u")),
                new byte[] {'p', -1, -1, -1, -1});
        assertTypedRejected(stream, "bad packet header: '70ffffffff'", "bad packet header: '70ffffffff'");
    }

    @Test
    void discardsWhatFollowsAnError() {
        assertRejected(ints(7, MessageType.PROTOCOL_3_0), "bad packet header: '0000000700030000'");
        assertFalse(channel.writeInbound(Unpooled.wrappedBuffer(startup(MessageType.PROTOCOL_3_0,
                Map.of("user", "u")))));
        assertNull(channel.readInbound());
    }

    // ---- helpers ----

    /**
     * Feeds {@code frame} whole, then split in two at every byte boundary, then one byte at a time, each to a fresh
     * decoder, and checks that exactly {@code count} messages come out; a single message only once its last byte is
     * in.
     */
    private void forEveryFeeding(byte[] frame, int count, Consumer<List<Object>> check) {
        List<List<byte[]>> feedings = new ArrayList<>();
        feedings.add(List.of(frame));
        for (int at = 1; at < frame.length; at++) {
            feedings.add(List.of(Arrays.copyOfRange(frame, 0, at), Arrays.copyOfRange(frame, at, frame.length)));
        }
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : frame) {
            bytes.add(new byte[] {b});
        }
        feedings.add(bytes);
        for (List<byte[]> pieces : feedings) {
            EmbeddedChannel ch = new EmbeddedChannel(new ClientLoginDecoder());
            List<Object> messages = new ArrayList<>();
            try {
                for (int i = 0; i < pieces.size(); i++) {
                    boolean produced = ch.writeInbound(Unpooled.wrappedBuffer(pieces.get(i)));
                    if (count == 1) {
                        assertEquals(i == pieces.size() - 1, produced, "complete after piece " + i);
                    }
                    Object m;
                    while ((m = ch.readInbound()) != null) {
                        messages.add(m);
                    }
                }
                assertEquals(count, messages.size(), "messages decoded from " + pieces.size() + " pieces");
                check.accept(messages);
                assertFalse(ch.finish(), "nothing left over");
            } finally {
                messages.forEach(ReferenceCountUtil::release);
            }
        }
    }

    /** Feeds the stream in one buffer to the test's channel and checks the error. */
    private void assertRejected(byte[] stream, String message) {
        ByteBuf in = Unpooled.wrappedBuffer(stream);
        DecoderException e = assertThrows(DecoderException.class, () -> channel.writeInbound(in));
        assertEquals(message, assertInstanceOf(ProtocolException.class, e.getCause()).getMessage());
        assertEquals(0, in.refCnt(), "the decoder released what it read");
        releaseInbound(channel);
    }

    /** The same error whether the frame comes whole, split anywhere, or a byte at a time. */
    private void assertRejectedAtEveryFeeding(byte[] frame, String message) {
        assertRejected(frame, message);
        for (int at = 1; at < frame.length; at++) {
            EmbeddedChannel ch = new EmbeddedChannel(new ClientLoginDecoder());
            feedUntilError(ch, List.of(Arrays.copyOfRange(frame, 0, at), Arrays.copyOfRange(frame, at,
                    frame.length)), message);
        }
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : frame) {
            bytes.add(new byte[] {b});
        }
        feedUntilError(new EmbeddedChannel(new ClientLoginDecoder()), bytes, message);
    }

    /**
     * A typed message rejected after a startup message: whole, the error shows the first 8 bytes of the message;
     * a byte at a time, it comes as soon as the 5-byte header is there and shows those 5.
     */
    private void assertTypedRejected(byte[] stream, String wholeMessage, String byteByByteMessage) {
        assertRejected(stream, wholeMessage);
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : stream) {
            bytes.add(new byte[] {b});
        }
        feedUntilError(new EmbeddedChannel(new ClientLoginDecoder()), bytes, byteByByteMessage);
    }

    private static void feedUntilError(EmbeddedChannel ch, List<byte[]> pieces, String message) {
        DecoderException error = null;
        for (byte[] piece : pieces) {
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(piece));
            } catch (DecoderException e) {
                error = e;
                break;
            }
        }
        DecoderException e = error;
        assertEquals(message, e == null ? null
                : assertInstanceOf(ProtocolException.class, e.getCause()).getMessage());
        releaseInbound(ch);
        assertFalse(ch.finish(), "nothing left over after the error");
    }

    private static void releaseInbound(EmbeddedChannel ch) {
        Object m;
        while ((m = ch.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    static byte[] startup(int protocol, Map<String, String> params) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ints(protocol));
        params.forEach((k, v) -> {
            body.writeBytes(cstring(k));
            body.writeBytes(cstring(v));
        });
        body.write(0);
        return withLength(body.toByteArray());
    }

    private static byte[] withLength(byte[] body) {
        return concat(ints(4 + body.length), body);
    }

    static byte[] typed(char type, byte[] body) {
        byte[] m = new byte[5 + body.length];
        m[0] = (byte) type;
        ByteBuffer.wrap(m, 1, 4).putInt(4 + body.length);
        System.arraycopy(body, 0, m, 5, body.length);
        return m;
    }

    static byte[] cstring(String s) {
        return concat(s.getBytes(StandardCharsets.UTF_8), new byte[] {0});
    }

    static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    private static String hex(byte[] bytes, int n) {
        return ByteBufUtil.hexDump(bytes, 0, n);
    }
}
