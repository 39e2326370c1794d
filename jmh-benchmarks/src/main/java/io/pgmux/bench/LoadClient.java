package io.pgmux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgmux.protocol.MessageScanner;
import io.pgmux.protocol.MessageType;
import java.util.concurrent.CompletableFuture;

/**
 * A client connection for benchmarks over loopback: it logs in (trust) and then sends one request after another,
 * each as soon as the ReadyForQuery of the previous answer arrives, counting the completed round trips. Per request
 * it allocates only a pooled buffer. Confined to its channel's loop, except {@link #transactions}.
 */
final class LoadClient extends ChannelInboundHandlerAdapter implements MessageScanner.Listener {
    private final byte[] request;
    private final MessageScanner scanner = new MessageScanner(this);
    private final CompletableFuture<Void> loggedIn = new CompletableFuture<>();
    /** ReadyForQuery messages in the current read. */
    private int readies;
    /** An ErrorResponse came: the benchmark's setup is wrong, and this client stops. */
    private boolean failed;
    /** Round trips completed; written by the client's loop only, read by the benchmark thread. */
    private volatile long transactions;

    LoadClient(byte[] request) {
        this.request = request;
    }

    /** Completes when pgmux has welcomed this client, or fails with what it said instead. */
    CompletableFuture<Void> loggedIn() {
        return loggedIn;
    }

    long transactions() {
        return transactions;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        byte[] startup = Exchange.startupMessage();
        ctx.writeAndFlush(ctx.alloc().buffer(startup.length).writeBytes(startup), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            scanner.scan(buf);
        } finally {
            buf.release();
        }
        if (failed) {
            loggedIn.completeExceptionally(new IllegalStateException("pgmux answered with an ErrorResponse"));
            ctx.close();
            return;
        }
        for (; readies > 0; readies--) {
            if (loggedIn.isDone()) {
                transactions = transactions + 1;
            } else {
                loggedIn.complete(null);
            }
            ctx.write(ctx.alloc().directBuffer(request.length).writeBytes(request), ctx.voidPromise());
        }
        ctx.flush();
    }

    @Override
    public int onHeader(byte type, int bodyLength) {
        if (type == MessageType.READY_FOR_QUERY) {
            readies++;
        } else if (type == MessageType.ERROR_RESPONSE) {
            failed = true;
        }
        return MessageScanner.PASS;
    }

    @Override
    public void onBody(byte type, byte[] body, int length) {
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        loggedIn.completeExceptionally(new IllegalStateException("pgmux closed the client connection"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        loggedIn.completeExceptionally(cause);
        ctx.close();
    }
}
