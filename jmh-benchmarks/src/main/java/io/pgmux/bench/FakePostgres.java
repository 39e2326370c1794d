package io.pgmux.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.pgmux.protocol.MessageScanner;
import io.pgmux.protocol.MessageType;
import java.net.InetSocketAddress;

/**
 * A stand-in for PostgreSQL on a loopback port: it takes any StartupMessage with a trust login and answers every
 * request (Query, or Sync ending an extended-protocol batch) with one fixed answer. Its connections run on the event
 * loops it is given, and per request it allocates only a pooled buffer. Not a protocol implementation: only what the
 * benchmarks send is understood.
 */
final class FakePostgres implements AutoCloseable {
    private final Channel listener;

    private FakePostgres(Channel listener) {
        this.listener = listener;
    }

    /** Listens on {@code port} of 127.0.0.1; its connections answer each request with {@code answer}. */
    static FakePostgres start(EventLoopGroup loops, Class<? extends ServerChannel> channelClass, int port,
            byte[] answer) {
        Channel listener = new ServerBootstrap().group(loops)
                .channel(channelClass)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Connection(answer));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
        return new FakePostgres(listener);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
    }

    /** One server connection: a login, then one answer per request. Confined to its channel's loop. */
    private static final class Connection extends ChannelInboundHandlerAdapter implements MessageScanner.Listener {
        private static final byte[] LOGIN = Exchange.loginResponse();

        private final byte[] answer;
        private final MessageScanner scanner = new MessageScanner(this);
        /** Bytes of the StartupMessage still to skip; -1 until its length was read. */
        private int startupLeft = -1;
        /** Requests found in the current read, answered at its end. */
        private int requests;

        Connection(byte[] answer) {
            this.answer = answer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                if (startupLeft != 0) {
                    skipStartup(ctx, buf);
                }
                scanner.scan(buf);
            } finally {
                buf.release();
            }
        }

        /** The StartupMessage (length, then body) carries no type byte: skip it and log the client in. */
        private void skipStartup(ChannelHandlerContext ctx, ByteBuf buf) {
            if (startupLeft < 0) {
                if (buf.readableBytes() < 4) {
                    throw new IllegalStateException("a StartupMessage's length split over reads");
                }
                startupLeft = buf.getInt(buf.readerIndex());
            }
            int n = Math.min(startupLeft, buf.readableBytes());
            buf.skipBytes(n);
            startupLeft -= n;
            if (startupLeft == 0) {
                write(ctx, LOGIN);
            }
        }

        @Override
        public int onHeader(byte type, int bodyLength) {
            if (type == MessageType.QUERY || type == MessageType.SYNC) {
                requests++;
            }
            return MessageScanner.PASS;
        }

        @Override
        public void onBody(byte type, byte[] body, int length) {
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            for (; requests > 0; requests--) {
                write(ctx, answer);
            }
            ctx.flush();
        }

        /** pgmux closing its server connections at the end of a run resets some: nothing to report. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private static void write(ChannelHandlerContext ctx, byte[] bytes) {
            ctx.write(ctx.alloc().directBuffer(bytes.length).writeBytes(bytes), ctx.voidPromise());
        }
    }
}
