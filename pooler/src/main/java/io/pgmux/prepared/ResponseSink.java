package io.pgmux.prepared;

import io.netty.buffer.ByteBuf;

/** Where {@link ResponseRelay} sends the server bytes it relays: the linked client's connection. */
public interface ResponseSink {
    /** Writes server bytes to the client (not flushed); takes ownership of {@code buf}. */
    void writeFromServer(ByteBuf buf);
}
