package io.pgmux.protocol;

import static io.pgmux.protocol.ClientLoginDecoderTest.concat;
import static io.pgmux.protocol.ClientLoginDecoderTest.cstring;
import static io.pgmux.protocol.ClientLoginDecoderTest.typed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** MessageScanner over streams cut into buffers at every byte: headers, captured bodies, stops, errors. */
class MessageScannerTest {
    private static final byte[] QUERY = typed('Q', cstring("SELECT 1"));
    private static final byte[] PARSE = typed('P', concat(cstring(""), cstring("SELECT $1"), new byte[] {0, 0}));
    private static final byte[] SYNC = typed('S', new byte[0]);
    private static final byte[] TERMINATE = typed('X', new byte[0]);
    private static final byte[] COMMAND_COMPLETE = typed('C', cstring("SELECT 1"));
    private static final byte[] READY_IN_TRANSACTION = typed('Z', new byte[] {'T'});
    private static final byte[] PARAMETER_STATUS = typed('S', concat(cstring("application_name"),
            cstring("a rather long application name that spans buffers")));

    /** Records every header and captured body; answers each type with the action set for it (PASS by default). */
    private static final class Recorder implements MessageScanner.Listener {
        final Map<Character, Integer> actions = new HashMap<>();
        final List<String> headers = new ArrayList<>();
        final List<String> bodies = new ArrayList<>();

        Recorder act(char type, int action) {
            actions.put(type, action);
            return this;
        }

        @Override
        public int onHeader(byte type, int bodyLength) {
            headers.add((char) type + ":" + bodyLength);
            return actions.getOrDefault((char) type, MessageScanner.PASS);
        }

        @Override
        public void onBody(byte type, byte[] body, int length) {
            bodies.add((char) type + ":" + new String(Arrays.copyOf(body, length), StandardCharsets.UTF_8));
        }
    }

    @Test
    void recordsHeadersOfMessagesInOneBuffer() {
        Recorder recorder = new Recorder();
        MessageScanner scanner = new MessageScanner(recorder);
        assertEquals(-1, scan(scanner, concat(QUERY, PARSE, SYNC)));
        assertEquals(List.of("Q:9", "P:" + (PARSE.length - 5), "S:0"), recorder.headers);
        assertEquals(List.of(), recorder.bodies, "nothing captured when the listener only passes");
        assertTrue(scanner.atMessageBoundary());
    }

    @Test
    void recordsTheSameHeadersWhateverTheBufferBoundaries() {
        byte[] stream = concat(QUERY, PARSE, SYNC, COMMAND_COMPLETE);
        List<String> expected = List.of("Q:9", "P:" + (PARSE.length - 5), "S:0", "C:9");
        TreeSet<Integer> boundaries = boundaries(QUERY, PARSE, SYNC, COMMAND_COMPLETE);
        for (List<Integer> cuts : everyCutting(stream.length)) {
            Recorder recorder = new Recorder();
            MessageScanner scanner = new MessageScanner(recorder);
            int from = 0;
            for (int cut : cuts) {
                assertEquals(-1, scan(scanner, Arrays.copyOfRange(stream, from, cut)));
                assertEquals(boundaries.contains(cut), scanner.atMessageBoundary(), "at offset " + cut);
                from = cut;
            }
            assertEquals(expected, recorder.headers, "cut at " + cuts);
        }
    }

    @Test
    void scansIntoAMessageWhoseBodyIsLongerThanTheBuffer() {
        Recorder recorder = new Recorder();
        MessageScanner scanner = new MessageScanner(recorder);
        byte[] copyData = typed('d', new byte[100_000]);
        assertEquals(-1, scan(scanner, Arrays.copyOfRange(copyData, 0, 1000)));
        assertFalse(scanner.atMessageBoundary());
        assertEquals(-1, scan(scanner, Arrays.copyOfRange(copyData, 1000, 60_000)));
        assertFalse(scanner.atMessageBoundary());
        assertEquals(-1, scan(scanner, concat(Arrays.copyOfRange(copyData, 60_000, copyData.length), SYNC)));
        assertTrue(scanner.atMessageBoundary());
        assertEquals(List.of("d:100000", "S:0"), recorder.headers);
    }

    @Test
    void capturesReadyForQueryStatusWhateverTheBufferBoundaries() {
        byte[] stream = concat(COMMAND_COMPLETE, READY_IN_TRANSACTION);
        for (List<Integer> cuts : everyCutting(stream.length)) {
            Recorder recorder = new Recorder().act('Z', MessageScanner.CAPTURE);
            MessageScanner scanner = new MessageScanner(recorder);
            scanPieces(scanner, stream, cuts);
            assertEquals(List.of("C:9", "Z:1"), recorder.headers);
            assertEquals(List.of("Z:T"), recorder.bodies, "cut at " + cuts);
            assertTrue(scanner.atMessageBoundary());
        }
    }

    @Test
    void capturesParameterStatusBodySplitAcrossBuffers() {
        byte[] stream = concat(PARAMETER_STATUS, READY_IN_TRANSACTION);
        String expectedBody = "S:application_name\0a rather long application name that spans buffers\0";
        for (List<Integer> cuts : everyCutting(stream.length)) {
            Recorder recorder = new Recorder().act('S', MessageScanner.CAPTURE).act('Z', MessageScanner.CAPTURE);
            MessageScanner scanner = new MessageScanner(recorder);
            scanPieces(scanner, stream, cuts);
            assertEquals(List.of(expectedBody, "Z:T"), recorder.bodies, "cut at " + cuts);
        }
    }

    @Test
    void capturesEmptyBody() {
        Recorder recorder = new Recorder().act('S', MessageScanner.CAPTURE);
        assertEquals(-1, scan(new MessageScanner(recorder), SYNC));
        assertEquals(List.of("S:"), recorder.bodies);
    }

    @Test
    void capturesBodiesUpToTheLimitOnly() {
        Recorder recorder = new Recorder().act('S', MessageScanner.CAPTURE);
        MessageScanner scanner = new MessageScanner(recorder);
        byte[] atLimit = typed('S', new byte[MessageScanner.MAX_CAPTURE]);
        byte[] overLimit = typed('S', new byte[MessageScanner.MAX_CAPTURE + 1]);
        assertEquals(-1, scan(scanner, concat(atLimit, overLimit, READY_IN_TRANSACTION)));
        assertEquals(List.of("S:" + MessageScanner.MAX_CAPTURE, "S:" + (MessageScanner.MAX_CAPTURE + 1), "Z:1"),
                recorder.headers);
        assertEquals(1, recorder.bodies.size(), "only the body within the limit was captured");
        assertEquals(2 + MessageScanner.MAX_CAPTURE, recorder.bodies.get(0).length());
        assertTrue(scanner.atMessageBoundary());
    }

    @Test
    void stopReturnsTheIndexOfTheStoppedMessage() {
        Recorder recorder = new Recorder().act('X', MessageScanner.STOP);
        MessageScanner scanner = new MessageScanner(recorder);
        // The buffer starts with 3 bytes already read, so the index returned must be absolute.
        ByteBuf buf = Unpooled.wrappedBuffer(concat(new byte[3], QUERY, TERMINATE, SYNC));
        buf.readerIndex(3);
        assertEquals(3 + QUERY.length, scan(scanner, buf));
        assertFalse(scanner.stopWasSplit());
        assertEquals(List.of("Q:9", "X:0"), recorder.headers, "nothing after the stop is scanned");
        assertTrue(scanner.atMessageBoundary());
    }

    @Test
    void stopAtTheFirstMessageOfALaterBufferWasNotSplit() {
        Recorder recorder = new Recorder().act('X', MessageScanner.STOP);
        MessageScanner scanner = new MessageScanner(recorder);
        assertEquals(-1, scan(scanner, QUERY));
        assertEquals(0, scan(scanner, concat(TERMINATE, SYNC)));
        assertFalse(scanner.stopWasSplit());
    }

    @Test
    void stopWasSplitWhenItsHeaderBeganInAnEarlierBuffer() {
        for (int headerBytes = 1; headerBytes < 5; headerBytes++) {
            Recorder recorder = new Recorder().act('X', MessageScanner.STOP);
            MessageScanner scanner = new MessageScanner(recorder);
            assertEquals(-1, scan(scanner, concat(QUERY, Arrays.copyOf(TERMINATE, headerBytes))));
            assertFalse(scanner.atMessageBoundary(), "inside a header");
            ByteBuf rest = Unpooled.wrappedBuffer(concat(new byte[2], Arrays.copyOfRange(TERMINATE, headerBytes, 5)));
            rest.readerIndex(2);
            assertEquals(2, scan(scanner, rest), "the stop is reported at the start of the later buffer");
            assertTrue(scanner.stopWasSplit());
            assertEquals(List.of("Q:9", "X:0"), recorder.headers);
        }
    }

    @Test
    void scanResumesFromTheStoppedMessage() {
        Recorder recorder = new Recorder().act('X', MessageScanner.STOP);
        MessageScanner scanner = new MessageScanner(recorder);
        ByteBuf buf = Unpooled.wrappedBuffer(concat(QUERY, TERMINATE));
        int stop = scan(scanner, buf);
        recorder.act('X', MessageScanner.PASS);
        assertEquals(-1, scan(scanner, buf.slice(stop, buf.writerIndex() - stop)));
        assertEquals(List.of("Q:9", "X:0", "X:0"), recorder.headers);
        assertTrue(scanner.atMessageBoundary());
    }

    @Test
    void atMessageBoundaryOnlyBetweenMessages() {
        MessageScanner scanner = new MessageScanner(new Recorder());
        assertTrue(scanner.atMessageBoundary(), "before anything");
        scan(scanner, Arrays.copyOf(QUERY, 3));
        assertFalse(scanner.atMessageBoundary(), "inside a header");
        scan(scanner, Arrays.copyOfRange(QUERY, 3, 7));
        assertFalse(scanner.atMessageBoundary(), "inside a body");
        scan(scanner, Arrays.copyOfRange(QUERY, 7, QUERY.length));
        assertTrue(scanner.atMessageBoundary(), "after the body");
        scan(scanner, Arrays.copyOf(SYNC, 5));
        assertTrue(scanner.atMessageBoundary(), "after a message without a body");
    }

    @Test
    void rejectsLengthBelowFour() {
        MessageScanner scanner = new MessageScanner(new Recorder());
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> scan(scanner, new byte[] {'Q', 0, 0, 0, 2, 'a', 'b', 'c', 'd'}));
        assertEquals("bad packet header: '5100000002616263'", e.getMessage());
    }

    @Test
    void rejectsLengthBelowFourWhenTheHeaderIsSplit() {
        byte[] stream = concat(QUERY, new byte[] {'Q', 0, 0, 0, 3, 'x'});
        for (int at = QUERY.length + 1; at < QUERY.length + 5; at++) {
            Recorder recorder = new Recorder();
            MessageScanner scanner = new MessageScanner(recorder);
            assertEquals(-1, scan(scanner, Arrays.copyOf(stream, at)));
            byte[] rest = Arrays.copyOfRange(stream, at, stream.length);
            ProtocolException e = assertThrows(ProtocolException.class, () -> scan(scanner, rest));
            assertEquals("bad packet header: '510000000378'", e.getMessage());
            assertEquals(List.of("Q:9"), recorder.headers, "the bad header never reaches the listener");
        }
    }

    @Test
    void rejectsNegativeLength() {
        Recorder recorder = new Recorder();
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> scan(new MessageScanner(recorder), new byte[] {'Q', -1, -1, -1, -1}));
        assertEquals("bad packet header: '51ffffffff'", e.getMessage());
        ProtocolException min = assertThrows(ProtocolException.class,
                () -> scan(new MessageScanner(recorder), new byte[] {'d', -128, 0, 0, 0}));
        assertEquals("bad packet header: '6480000000'", min.getMessage());
        assertEquals(List.of(), recorder.headers);
    }

    @Test
    void acceptsTheLargestPositiveLength() {
        Recorder recorder = new Recorder();
        MessageScanner scanner = new MessageScanner(recorder);
        assertEquals(-1, scan(scanner, new byte[] {'d', 0x7f, -1, -1, -1, 1, 2, 3}));
        assertEquals(List.of("d:" + (Integer.MAX_VALUE - 4)), recorder.headers);
        assertFalse(scanner.atMessageBoundary());
    }

    // ---- helpers ----

    /** Scans a copy of the bytes and checks that the scan left the buffer's indexes alone. */
    private static int scan(MessageScanner scanner, byte[] bytes) {
        return scan(scanner, Unpooled.wrappedBuffer(bytes));
    }

    private static int scan(MessageScanner scanner, ByteBuf buf) {
        int reader = buf.readerIndex();
        int writer = buf.writerIndex();
        try {
            return scanner.scan(buf);
        } finally {
            assertEquals(reader, buf.readerIndex(), "scan moved the reader index");
            assertEquals(writer, buf.writerIndex(), "scan moved the writer index");
        }
    }

    private static void scanPieces(MessageScanner scanner, byte[] stream, List<Integer> cuts) {
        int from = 0;
        for (int cut : cuts) {
            assertEquals(-1, scan(scanner, Arrays.copyOfRange(stream, from, cut)));
            from = cut;
        }
    }

    /**
     * Ways to cut a stream of {@code length} bytes into buffers, as lists of end offsets: whole, in two at every byte
     * boundary, and one byte per buffer.
     */
    private static List<List<Integer>> everyCutting(int length) {
        List<List<Integer>> cuttings = new ArrayList<>();
        cuttings.add(List.of(length));
        for (int at = 1; at < length; at++) {
            cuttings.add(List.of(at, length));
        }
        List<Integer> everyByte = new ArrayList<>();
        for (int i = 1; i <= length; i++) {
            everyByte.add(i);
        }
        cuttings.add(everyByte);
        return cuttings;
    }

    /** Offsets where a message ends in the concatenation of the given messages. */
    private static TreeSet<Integer> boundaries(byte[]... messages) {
        TreeSet<Integer> ends = new TreeSet<>();
        int offset = 0;
        for (byte[] m : messages) {
            offset += m.length;
            ends.add(offset);
        }
        return ends;
    }
}
