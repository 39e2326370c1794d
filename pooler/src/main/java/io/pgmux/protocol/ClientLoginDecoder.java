package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes what a client sends before it is logged in: untyped startup-phase packets (StartupMessage, SSLRequest,
 * GSSENCRequest, CancelRequest), then typed authentication responses. Every length is checked before anything is
 * allocated. The session removes this decoder once login is done; bytes already read then flow on unparsed.
 */
public final class ClientLoginDecoder extends ByteToMessageDecoder {
    /** PostgreSQL's own bound on a startup packet (MAX_STARTUP_PACKET_LENGTH). */
    public static final int MAX_STARTUP_LENGTH = 10_000;
    /** Bound on an authentication response: passwords and SASL messages are small. */
    public static final int MAX_AUTH_MESSAGE_LENGTH = 10_000;

    private enum State { STARTUP, TYPED, FAILED }

    private State state = State.STARTUP;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            switch (state) {
                // As PgBouncer does, a first byte 'p' is a PasswordMessage even before any startup packet, and a
                // first byte 0 a startup packet even during authentication, so that the session can answer
                // "client password pkt before startup packet" and "client re-sent startup pkt".
                case STARTUP -> {
                    if (firstByteIs(in, MessageType.PASSWORD)) {
                        decodeTyped(in, out);
                    } else {
                        decodeStartup(in, out);
                    }
                }
                case TYPED -> {
                    if (firstByteIs(in, (byte) 0)) {
                        decodeStartup(in, out);
                    } else {
                        decodeTyped(in, out);
                    }
                }
                case FAILED -> in.skipBytes(in.readableBytes());
            }
        } catch (ProtocolException e) {
            // The connection is being closed: drop what is left so it is not decoded (and failed) again on close.
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeStartup(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 8) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start);
        int code = in.getInt(start + 4);
        if (length < 8 || length > MAX_STARTUP_LENGTH) {
            throw new ProtocolException(badHeader(in));
        }
        if (in.readableBytes() < length) {
            return;
        }
        switch (code) {
            case MessageType.SSL_REQUEST_CODE -> {
                requireLength(in, length, 8);
                in.skipBytes(8);
                if (in.isReadable()) {
                    throw new ProtocolException("received unencrypted data after SSL request");
                }
                out.add(new StartupPacket.SslRequest());
            }
            case MessageType.GSSENC_REQUEST_CODE -> {
                requireLength(in, length, 8);
                in.skipBytes(8);
                if (in.isReadable()) {
                    throw new ProtocolException("received unencrypted data after GSSAPI encryption request");
                }
                out.add(new StartupPacket.GssEncRequest());
            }
            case MessageType.CANCEL_REQUEST_CODE -> {
                requireLength(in, length, 16);
                out.add(new StartupPacket.CancelRequest(in.getInt(start + 8), in.getInt(start + 12)));
                in.skipBytes(16);
            }
            default -> {
                int major = code >>> 16;
                if (major != 3) {
                    throw new ProtocolException(major < 3 ? "old V2 protocol not supported" : badHeader(in));
                }
                out.add(new StartupPacket.StartupMessage(major, code & 0xFFFF,
                        parseParameters(in, start + 8, start + length)));
                in.skipBytes(length);
                state = State.TYPED;
            }
        }
    }

    private static boolean firstByteIs(ByteBuf in, byte b) {
        return in.isReadable() && in.getByte(in.readerIndex()) == b;
    }

    private static void requireLength(ByteBuf in, int length, int expected) {
        if (length != expected) {
            throw new ProtocolException(badHeader(in));
        }
    }

    private static void decodeTyped(ByteBuf in, List<Object> out) {
        LoginMessage message = TypedFrameDecoder.decodeOne(in, MAX_AUTH_MESSAGE_LENGTH);
        if (message != null) {
            out.add(message);
        }
    }

    /** Reads NUL-terminated name/value pairs ending with one more NUL, as PgBouncer checks them. */
    static Map<String, String> parseParameters(ByteBuf in, int from, int to) {
        Map<String, String> params = new LinkedHashMap<>();
        int pos = from;
        while (true) {
            int nameEnd = terminator(in, pos, to);
            if (nameEnd == pos) {
                pos++;
                break;
            }
            String name = in.toString(pos, nameEnd - pos, StandardCharsets.UTF_8);
            int valueEnd = terminator(in, nameEnd + 1, to);
            params.put(name, in.toString(nameEnd + 1, valueEnd - nameEnd - 1, StandardCharsets.UTF_8));
            pos = valueEnd + 1;
        }
        if (pos != to) {
            throw new ProtocolException("invalid startup packet layout: expected terminator as last byte");
        }
        return params;
    }

    private static int terminator(ByteBuf in, int from, int to) {
        int nul = from < to ? in.indexOf(from, to, (byte) 0) : -1;
        if (nul < 0) {
            throw new ProtocolException("invalid startup packet layout: expected terminator as last byte");
        }
        return nul;
    }

    /** PgBouncer's text for a header it does not believe, with the first 8 bytes in hex. */
    static String badHeader(ByteBuf in) {
        int n = Math.min(8, in.readableBytes());
        return "bad packet header: '" + ByteBufUtil.hexDump(in, in.readerIndex(), n) + "'";
    }
}
