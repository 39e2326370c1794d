package io.pgmux.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.function.Supplier;

/**
 * Looks at a client's first byte: 0x16 is a TLS ClientHello without SSLRequest (PostgreSQL 17's direct TLS, which
 * requires ALPN {@code postgresql}); the handshake starts at once when client TLS is on. Otherwise it steps aside and
 * the startup packet is read as usual.
 */
public final class DirectTlsSniffer extends ByteToMessageDecoder {
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;

    private final Supplier<TlsContexts.ClientTls> tls;
    private final Runnable onDirectTls;

    /**
     * @param tls         the current client TLS settings
     * @param onDirectTls told when the client went straight to TLS
     */
    public DirectTlsSniffer(Supplier<TlsContexts.ClientTls> tls, Runnable onDirectTls) {
        this.tls = tls;
        this.onDirectTls = onDirectTls;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        TlsContexts.ClientTls current = tls.get();
        if (in.getByte(in.readerIndex()) == TLS_HANDSHAKE_RECORD && current.enabled()) {
            SslHandler ssl = current.context().newHandler(ctx.alloc());
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess() && !TlsContexts.ALPN_POSTGRESQL.equals(ssl.applicationProtocol())) {
                    // Direct TLS without ALPN postgresql is refused, as PostgreSQL does.
                    ctx.close();
                }
            });
            // The check above runs when the handshake completes, but data that came with the client's Finished is
            // decoded right after it in the same read: the gate drops it unless ALPN postgresql was agreed.
            ctx.pipeline().addAfter(ctx.name(), "alpn", new AlpnGate(ssl));
            ctx.pipeline().replace(this, "tls", ssl);
            onDirectTls.run();
        } else {
            ctx.pipeline().remove(this);
        }
    }

    /** Lets the first decrypted bytes through only under ALPN {@code postgresql}, then steps aside. */
    private static final class AlpnGate extends ChannelInboundHandlerAdapter {
        private final SslHandler ssl;

        AlpnGate(SslHandler ssl) {
            this.ssl = ssl;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (TlsContexts.ALPN_POSTGRESQL.equals(ssl.applicationProtocol())) {
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(msg);
            } else {
                ReferenceCountUtil.release(msg);
                ctx.close();
            }
        }
    }
}
