package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes whole typed messages (type byte, int32 length, body) into {@link LoginMessage}s, for the phases where
 * pgmux must read whole messages: a server's login, and the pooler's own queries. Lengths are checked against a
 * bound before any bytes are kept.
 */
public final class TypedFrameDecoder extends ByteToMessageDecoder {
    private final int maxLength;
    /** Set by a protocol error: the rest of the stream is dropped, not decoded (and failed) again on close. */
    private boolean failed;

    public TypedFrameDecoder(int maxLength) {
        this.maxLength = maxLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            LoginMessage message;
            while ((message = decodeOne(in, maxLength)) != null) {
                out.add(message);
            }
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /** One whole message from {@code in}, or null while it is incomplete. */
    static LoginMessage decodeOne(ByteBuf in, int maxLength) {
        if (in.readableBytes() < 5) {
            return null;
        }
        int start = in.readerIndex();
        int length = in.getInt(start + 1);
        if (length < 4 || length > maxLength) {
            throw new ProtocolException(ClientLoginDecoder.badHeader(in));
        }
        if (in.readableBytes() < length + 1) {
            return null;
        }
        byte type = in.readByte();
        in.skipBytes(4);
        return new LoginMessage(type, in.readRetainedSlice(length - 4));
    }
}
