package io.pgmux.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.pgmux.Pgmux;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.protocol.MessageType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * pgmux started in-process as the daemon starts it ({@link Pgmux#start}: its listener, client pipeline, pools and
 * event loops, on the native transport it picks), in front of a {@link FakePostgres}, with {@link LoadClient}s running
 * an exchange over loopback TCP. The fake server's and the clients' connections run on pgmux's own event loops,
 * spread over them as Netty spreads new channels: K loops carry the whole load, peers included, and no other thread
 * needs a core.
 */
final class LoopbackPgmux implements AutoCloseable {
    /**
     * How often the benchmark thread looks at the clients' counts while it waits: rarely enough that its wake-ups cost
     * well under 1% of a core. Its lateness is not lost: the next invocation's target counts from this one's.
     */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** An exchange that makes no progress for this long means the setup is broken. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Pgmux pgmux;
    private final FakePostgres server;
    private final List<LoadClient> clients = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();

    private LoopbackPgmux(Pgmux pgmux, FakePostgres server) {
        this.pgmux = pgmux;
        this.server = server;
    }

    /**
     * Starts pgmux with {@code loops} event loops on {@code transport} (pgmux's config key: auto, io_uring, epoll,
     * nio), a pool of {@code poolSize} in {@code poolMode}, and {@code clients} clients that each run {@code exchange}
     * one round trip after another, logged in one after the other.
     */
    static LoopbackPgmux start(int loops, String transport, String poolMode, int poolSize, int clients,
            Exchange exchange) throws Exception {
        int serverPort = freePort();
        PgBouncerConfig config = BenchConfig.load(serverPort, Map.of(
                "transport", transport,
                "pool_mode", poolMode,
                "default_pool_size", String.valueOf(poolSize),
                "max_client_conn", String.valueOf(clients + 10)));
        Pgmux pgmux = Pgmux.start(config, null, loops);
        EventLoopGroup group = pgmux.engine().loops()[0].parent();
        LoopbackPgmux loopback = new LoopbackPgmux(pgmux,
                FakePostgres.start(group, pgmux.transport().serverSocketChannel(), serverPort,
                        exchange.response(MessageType.TX_IDLE)));
        try {
            Bootstrap bootstrap = new Bootstrap().group(group)
                    .channel(pgmux.transport().socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true);
            for (int i = 0; i < clients; i++) {
                LoadClient client = new LoadClient(exchange.request());
                loopback.channels.add(bootstrap.handler(client)
                        .connect(new InetSocketAddress("127.0.0.1", pgmux.port())).syncUninterruptibly().channel());
                loopback.clients.add(client);
                client.loggedIn().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            loopback.close();
            throw e;
        }
        return loopback;
    }

    /** Round trips completed so far, over all clients. */
    long transactions() {
        long sum = 0;
        for (LoadClient client : clients) {
            sum += client.transactions();
        }
        return sum;
    }

    /** Waits until {@code target} round trips in all have completed. */
    void awaitTransactions(long target) {
        long seen = transactions();
        long lastProgress = System.nanoTime();
        while (seen < target) {
            LockSupport.parkNanos(POLL_NANOS);
            long now = transactions();
            if (now != seen) {
                seen = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
                throw new IllegalStateException("no round trip completed in 10 s (" + seen + " done)");
            }
        }
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        server.close();
        pgmux.close();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
