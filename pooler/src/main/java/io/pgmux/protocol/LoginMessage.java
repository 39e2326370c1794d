package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;

/** A typed message received during login (password or SASL response from a client, any message from a server). */
public final class LoginMessage extends AbstractReferenceCounted {
    private final byte type;
    private final ByteBuf body;

    public LoginMessage(byte type, ByteBuf body) {
        this.type = type;
        this.body = body;
    }

    public byte type() {
        return type;
    }

    /** The body after the 5-byte header; owned by this message. */
    public ByteBuf body() {
        return body;
    }

    @Override
    protected void deallocate() {
        body.release();
    }

    @Override
    public LoginMessage touch(Object hint) {
        body.touch(hint);
        return this;
    }
}
