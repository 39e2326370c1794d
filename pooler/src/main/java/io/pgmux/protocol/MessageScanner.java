package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Walks message headers in a byte stream that arrives in arbitrary pieces, without copying it: the relay forwards
 * the buffers it read and only looks at the 5-byte header of each message. For the few messages whose body the
 * pooler must know (ReadyForQuery's status, ParameterStatus), the listener asks for the body, which is gathered into
 * a small array even when it spans reads. Confined to one channel's event loop.
 */
public final class MessageScanner {
    /** Pass the message on without looking at its body. */
    public static final int PASS = 0;
    /** Pass it on, and hand its body to {@link Listener#onBody}. */
    public static final int CAPTURE = 1;
    /** Stop before this message: {@link #scan} returns the offset where it starts. */
    public static final int STOP = 2;

    /** Bodies larger than this are not captured (a ParameterStatus this large is not tracked). */
    public static final int MAX_CAPTURE = 8192;

    /** Decides what to do with each message of the stream. */
    public interface Listener {
        /** A message starts; its body has {@code bodyLength} bytes. Returns PASS, CAPTURE or STOP. */
        int onHeader(byte type, int bodyLength);

        /** The whole body of a message the listener asked to capture; valid only during the call. */
        void onBody(byte type, byte[] body, int length);
    }

    private final Listener listener;
    private final byte[] header = new byte[5];
    private int headerFill;
    private byte type;
    private long remaining;
    private byte[] capture;
    private int captureFill;
    private boolean capturing;
    private boolean stopSplit;
    private int bodyIndex;

    public MessageScanner(Listener listener) {
        this.listener = listener;
    }

    /** True when the stream is between messages (no partial header or body pending). */
    public boolean atMessageBoundary() {
        return headerFill == 0 && remaining == 0;
    }

    /**
     * During {@link Listener#onHeader}: the index in the scanned buffer where the message's body begins (its
     * writerIndex when the body has not arrived yet), so a listener can look at the first body bytes it already has.
     */
    public int bodyIndex() {
        return bodyIndex;
    }

    /** How many bytes of a header the last scan ended inside of (0 when it ended at a boundary or in a body). */
    public int partialHeaderLength() {
        return headerFill;
    }

    /** True when the header of the message the last scan stopped at began in an earlier buffer. */
    public boolean stopWasSplit() {
        return stopSplit;
    }

    /**
     * Scans the readable bytes of {@code buf} without moving its indexes.
     *
     * @return -1 when all bytes were scanned, else the absolute index where a message the listener stopped at begins
     * @throws ProtocolException on a length below 4 or above 2^31-1 (negative as the protocol's int32)
     */
    public int scan(ByteBuf buf) {
        int pos = buf.readerIndex();
        int end = buf.writerIndex();
        while (pos < end) {
            if (remaining > 0) {
                int n = (int) Math.min(remaining, end - pos);
                if (capturing) {
                    buf.getBytes(pos, capture, captureFill, n);
                    captureFill += n;
                }
                pos += n;
                remaining -= n;
                if (remaining == 0 && capturing) {
                    finishCapture();
                }
                continue;
            }
            int messageStart = pos - headerFill;
            if (headerFill == 0 && end - pos >= 5) {
                type = buf.getByte(pos);
                remaining = buf.getInt(pos + 1) & 0xFFFFFFFFL;
                pos += 5;
            } else {
                int n = Math.min(5 - headerFill, end - pos);
                buf.getBytes(pos, header, headerFill, n);
                headerFill += n;
                pos += n;
                if (headerFill < 5) {
                    break;
                }
                headerFill = 0;
                type = header[0];
                remaining = ((header[1] & 0xFFL) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8)
                        | (header[4] & 0xFF);
            }
            // An int32 length below 4, or negative, is nonsense: PgBouncer's text, as for any bad header.
            if (remaining < 4 || remaining > Integer.MAX_VALUE) {
                throw new ProtocolException(badHeader(type, (int) remaining, buf, pos, end));
            }
            remaining -= 4;
            bodyIndex = pos;
            int action = listener.onHeader(type, (int) remaining);
            if (action == STOP) {
                // The stopped message is left for the caller, who starts a new scan from it.
                remaining = 0;
                stopSplit = messageStart < buf.readerIndex();
                return Math.max(messageStart, buf.readerIndex());
            }
            capturing = action == CAPTURE && remaining <= MAX_CAPTURE;
            if (capturing) {
                if (capture == null || capture.length < remaining) {
                    capture = new byte[Math.max(64, (int) remaining)];
                }
                captureFill = 0;
                if (remaining == 0) {
                    finishCapture();
                }
            }
        }
        return -1;
    }

    /** "bad packet header: '<hex>'" with the first 8 bytes of the message: its header and what follows in buf. */
    private static String badHeader(byte type, int length, ByteBuf buf, int pos, int end) {
        byte[] first = new byte[5 + Math.min(3, end - pos)];
        first[0] = type;
        first[1] = (byte) (length >>> 24);
        first[2] = (byte) (length >>> 16);
        first[3] = (byte) (length >>> 8);
        first[4] = (byte) length;
        buf.getBytes(pos, first, 5, first.length - 5);
        return "bad packet header: '" + ByteBufUtil.hexDump(first) + "'";
    }

    private void finishCapture() {
        capturing = false;
        listener.onBody(type, capture, captureFill);
    }
}
