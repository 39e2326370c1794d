package io.pgmux.prepared;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The first bytes of a message header that a read ended in the middle of. They are kept back until the header is
 * complete and the relay knows whether the message passes (then they go out first) or is rewritten or cut (then
 * they are dropped): a message pgmux changes never had part of it forwarded. At most 4 bytes.
 */
final class HeldHeader {
    private final byte[] bytes = new byte[4];
    private int length;

    int length() {
        return length;
    }

    void append(ByteBuf buf, int index, int count) {
        buf.getBytes(index, bytes, length, count);
        length += count;
    }

    /** Changes the message's type byte before it goes out. */
    void retype(byte type) {
        bytes[0] = type;
    }

    /** The held bytes as a buffer to send; nothing is held afterwards. */
    ByteBuf take(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(length).writeBytes(bytes, 0, length);
        length = 0;
        return out;
    }

    void drop() {
        length = 0;
    }
}
