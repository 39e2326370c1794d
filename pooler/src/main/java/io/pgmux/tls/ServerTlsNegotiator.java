package io.pgmux.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Asks a server for TLS before pgmux logs in: sends SSLRequest, reads the one-byte answer, starts the handshake on
 * {@code S}, and tells the next handler when the login may start ({@link #READY}) or why it may not
 * ({@link Failed}). A server that answers {@code N} under a mode that requires TLS fails the login: there is no
 * fallback to plain text. Bytes sent after the {@code S} before the handshake are refused, never read as protocol.
 */
public final class ServerTlsNegotiator extends ByteToMessageDecoder {
    /** The login may start (on TLS or, where the mode allows, in plain text). */
    public static final Object READY = new Object();

    /** TLS could not be set up; the connection is closed. */
    public record Failed(String reason) {
    }

    private final TlsContexts.ServerTls tls;
    private final String host;
    private final int port;

    public ServerTlsNegotiator(TlsContexts.ServerTls tls, String host, int port) {
        this.tls = tls;
        this.host = host;
        this.port = port;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ByteBuf request = ctx.alloc().buffer(8);
        request.writeInt(8).writeInt(io.pgmux.protocol.MessageType.SSL_REQUEST_CODE);
        ctx.writeAndFlush(request, ctx.voidPromise());
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        byte answer = in.readByte();
        if (answer == 'S') {
            if (in.isReadable()) {
                fail(ctx, in, "received unencrypted data after SSL response");
                return;
            }
            SslHandler ssl = tls.context().newHandler(ctx.alloc(), host, port);
            if (tls.mode() == SslMode.VERIFY_FULL) {
                SSLEngine engine = ssl.engine();
                SSLParameters params = engine.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(params);
            }
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    ctx.fireUserEventTriggered(READY);
                } else {
                    ctx.fireUserEventTriggered(new Failed("TLS startup failed: " + f.cause().getMessage()));
                    ctx.close();
                }
            });
            ctx.pipeline().addAfter(ctx.name(), "tls", ssl);
            ctx.pipeline().remove(this);
        } else if (answer == 'N') {
            if (tls.mode().required()) {
                fail(ctx, in, "server refused SSL");
                return;
            }
            ctx.pipeline().remove(this);
            ctx.fireUserEventTriggered(READY);
        } else {
            fail(ctx, in, "bad sslreq answer");
        }
    }

    private static void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        in.skipBytes(in.readableBytes());
        ctx.fireUserEventTriggered(new Failed(reason));
        ctx.close();
    }
}
