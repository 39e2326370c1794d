package io.pgmux.protocol;

import static io.pgmux.protocol.ClientLoginDecoderTest.concat;
import static io.pgmux.protocol.ClientLoginDecoderTest.cstring;
import static io.pgmux.protocol.ClientLoginDecoderTest.ints;
import static io.pgmux.protocol.ClientLoginDecoderTest.typed;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TypedFrameDecoder on an EmbeddedChannel, with a small bound so the limit is easy to reach. */
class TypedFrameDecoderTest {
    private static final int MAX = 64;

    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel(new TypedFrameDecoder(MAX));
    }

    @AfterEach
    void tearDown() {
        assertFalse(channel.finish(), "nothing left over");
    }

    @Test
    void decodesWholeFrame() {
        byte[] frame = typed('S', concat(cstring("TimeZone"), cstring("UTC")));
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(frame)));
        LoginMessage m = channel.readInbound();
        try {
            assertEquals('S', m.type());
            assertArrayEquals(concat(cstring("TimeZone"), cstring("UTC")), ByteBufUtil.getBytes(m.body()));
        } finally {
            m.release();
        }
        assertNull(channel.readInbound());
    }

    @Test
    void decodesFrameSplitAtEveryByte() {
        byte[] frame = typed('R', ints(0));
        for (int at = 1; at < frame.length; at++) {
            EmbeddedChannel ch = new EmbeddedChannel(new TypedFrameDecoder(MAX));
            assertFalse(ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, at)), "incomplete after " + at);
            assertTrue(ch.writeInbound(Unpooled.wrappedBuffer(frame, at, frame.length - at)));
            LoginMessage m = ch.readInbound();
            try {
                assertEquals('R', m.type());
                assertEquals(0, m.body().getInt(m.body().readerIndex()));
                assertEquals(4, m.body().readableBytes());
            } finally {
                m.release();
            }
            assertFalse(ch.finish());
        }
    }

    @Test
    void decodesFrameFedOneByteAtATime() {
        byte[] frame = typed('K', ints(1234, 5678));
        for (int i = 0; i < frame.length - 1; i++) {
            assertFalse(channel.writeInbound(Unpooled.wrappedBuffer(frame, i, 1)));
        }
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(frame, frame.length - 1, 1)));
        LoginMessage m = channel.readInbound();
        try {
            assertEquals('K', m.type());
            assertEquals(1234, m.body().readInt());
            assertEquals(5678, m.body().readInt());
        } finally {
            m.release();
        }
    }

    @Test
    void decodesTwoFramesInOneBuffer() {
        byte[] stream = concat(typed('S', concat(cstring("a"), cstring("b"))), typed('Z', new byte[] {'I'}));
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(stream)));
        assertTwoFrames(channel);
    }

    @Test
    void decodesTwoFramesSplitAtEveryByte() {
        byte[] stream = concat(typed('S', concat(cstring("a"), cstring("b"))), typed('Z', new byte[] {'I'}));
        for (int at = 1; at < stream.length; at++) {
            EmbeddedChannel ch = new EmbeddedChannel(new TypedFrameDecoder(MAX));
            ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, at));
            ch.writeInbound(Unpooled.wrappedBuffer(stream, at, stream.length - at));
            assertTwoFrames(ch);
            assertFalse(ch.finish());
        }
    }

    @Test
    void decodesEmptyBody() {
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(typed('1', new byte[0]))));
        LoginMessage m = channel.readInbound();
        try {
            assertEquals('1', m.type());
            assertFalse(m.body().isReadable());
        } finally {
            m.release();
        }
    }

    @Test
    void acceptsFrameAtTheBound() {
        byte[] frame = typed('D', new byte[MAX - 4]);
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(frame)));
        LoginMessage m = channel.readInbound();
        assertEquals(MAX - 4, m.body().readableBytes());
        m.release();
    }

    @Test
    void rejectsFrameAboveTheBound() {
        byte[] header = new byte[] {'D', 0, 0, 0, MAX + 1};
        assertRejected(concat(header, new byte[3]), "bad packet header: '4400000041000000'");
    }

    @Test
    void rejectsFrameAboveTheBoundFromItsHeaderAlone() {
        assertRejected(concat(new byte[] {'D'}, ints(Integer.MAX_VALUE)), "bad packet header: '447fffffff'");
    }

    @Test
    void rejectsLengthBelowFour() {
        assertRejected(new byte[] {'Z', 0, 0, 0, 3, 'I'}, "bad packet header: '5a0000000349'");
    }

    @Test
    void rejectsNegativeLength() {
        assertRejected(new byte[] {'E', -1, -1, -1, -1}, "bad packet header: '45ffffffff'");
    }

    @Test
    void decodesFramesBeforeABadOneAndNothingAfterIt() {
        byte[] stream = concat(typed('Z', new byte[] {'I'}), new byte[] {'Z', 0, 0, 0, 2}, typed('Z', new byte[] {'T'}));
        ByteBuf in = Unpooled.wrappedBuffer(stream);
        DecoderException e = assertThrows(DecoderException.class, () -> channel.writeInbound(in));
        assertEquals("bad packet header: '5a000000025a0000'",
                assertInstanceOf(ProtocolException.class, e.getCause()).getMessage());
        LoginMessage first = channel.readInbound();
        assertEquals('I', first.body().getByte(0));
        first.release();
        assertNull(channel.readInbound());
        assertFalse(channel.writeInbound(Unpooled.wrappedBuffer(typed('Z', new byte[] {'I'}))));
    }

    private void assertRejected(byte[] stream, String message) {
        ByteBuf in = Unpooled.wrappedBuffer(stream);
        DecoderException e = assertThrows(DecoderException.class, () -> channel.writeInbound(in));
        assertEquals(message, assertInstanceOf(ProtocolException.class, e.getCause()).getMessage());
        assertEquals(0, in.refCnt(), "the decoder released what it read");
        assertNull(channel.readInbound());
    }

    private static void assertTwoFrames(EmbeddedChannel ch) {
        List<LoginMessage> messages = new ArrayList<>();
        LoginMessage m;
        while ((m = ch.readInbound()) != null) {
            messages.add(m);
        }
        try {
            assertEquals(2, messages.size());
            assertEquals('S', messages.get(0).type());
            assertArrayEquals(concat(cstring("a"), cstring("b")), ByteBufUtil.getBytes(messages.get(0).body()));
            assertEquals('Z', messages.get(1).type());
            assertArrayEquals(new byte[] {'I'}, ByteBufUtil.getBytes(messages.get(1).body()));
        } finally {
            messages.forEach(ReferenceCountUtil::release);
        }
    }
}
