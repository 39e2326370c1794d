package io.pgmux.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers HTTP requests on the metrics listener: {@code GET /metrics} (or HEAD) gets the Prometheus page, any other
 * path 404, another method on /metrics 405, a request the codec could not read 400. The page is gathered from the
 * event loops without blocking this one; requests on one connection are answered in order, one at a time.
 */
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = Logger.getLogger(MetricsHandler.class.getName());
    static final String PATH = "/metrics";

    private final Supplier<CompletionStage<String>> page;

    MetricsHandler(Supplier<CompletionStage<String>> page) {
        this.page = page;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
            return;
        }
        if (!PATH.equals(new QueryStringDecoder(request.uri()).path())) {
            respond(ctx, text(HttpResponseStatus.NOT_FOUND, "not found; the metrics are at " + PATH + "\n"),
                    keepAlive);
            return;
        }
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            FullHttpResponse refused = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET\n");
            refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            respond(ctx, refused, keepAlive);
            return;
        }
        boolean head = HttpMethod.HEAD.equals(method);
        // One request at a time: reading resumes once the answer is written, which keeps answers in order.
        ctx.channel().config().setAutoRead(false);
        page.get().whenComplete((text, failure) -> ctx.executor().execute(() -> {
            FullHttpResponse response;
            if (failure != null) {
                LOG.log(Level.WARNING, "metrics could not be gathered", failure);
                response = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "metrics could not be gathered\n");
            } else {
                response = body(HttpResponseStatus.OK, PrometheusText.CONTENT_TYPE, text, head);
            }
            respond(ctx, response, keepAlive);
            ctx.channel().config().setAutoRead(true);
        }));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "metrics connection error", cause);
        ctx.close();
    }

    private static FullHttpResponse text(HttpResponseStatus status, String text) {
        return body(status, "text/plain; charset=utf-8", text, false);
    }

    /** A response with this text, or for HEAD only its length. */
    private static FullHttpResponse body(HttpResponseStatus status, String contentType, String text, boolean head) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return response;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
