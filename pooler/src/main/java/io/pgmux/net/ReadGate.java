package io.pgmux.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * Stops a client or server connection from reading while the pooler is suspended (SUSPEND), whatever the relay
 * asks meanwhile, and restores what the relay last asked for on RESUME.
 *
 * <p>The relay turns autoRead on and off for backpressure; each turn on issues a read request through the
 * pipeline, which this handler holds back while suspended. Only {@code read} is overridden, so Netty skips this
 * handler for writes and flushes: the data path does not pass through it. Touched only on the channel's loop.
 */
public final class ReadGate extends ChannelOutboundHandlerAdapter {
    private ChannelHandlerContext ctx;
    private boolean suspended;
    /** autoRead when the suspension began. */
    private boolean wasAutoRead;
    /** A read was asked for (autoRead turned on) while suspended. */
    private boolean readHeldBack;

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
    }

    @Override
    public void read(ChannelHandlerContext context) {
        if (suspended) {
            readHeldBack = true;
        } else {
            context.read();
        }
    }

    /**
     * Stops reading and flushes what is queued to be written; the future completes once everything written before
     * is in the socket. Call on the channel's loop.
     */
    public ChannelFuture suspend() {
        if (!suspended) {
            suspended = true;
            ChannelConfig config = ctx.channel().config();
            wasAutoRead = config.isAutoRead();
            readHeldBack = false;
            config.setAutoRead(false);
        }
        // An empty write completes after every write queued before it, TLS included (SslHandler passes it on).
        return ctx.channel().writeAndFlush(Unpooled.EMPTY_BUFFER);
    }

    /** Reads again if the relay wants to: as before the suspension, or as it asked during it. Channel's loop. */
    public void resume() {
        if (!suspended) {
            return;
        }
        suspended = false;
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            ctx.read();
        } else if (wasAutoRead && !readHeldBack) {
            config.setAutoRead(true);
        }
    }
}
