package io.pgmux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgmux.auth.ScramKeyCache;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.Secret;
import io.pgmux.log.ConnectionLog;
import io.pgmux.net.ClientChannelInitializer;
import io.pgmux.net.ReadGate;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolRegistry;
import io.pgmux.pool.ServerGeneration;
import io.pgmux.protocol.MessageType;
import io.pgmux.protocol.TypedFrameDecoder;
import io.pgmux.session.ClientSession;
import io.pgmux.session.ConfigReloader;
import io.pgmux.session.Engine;
import io.pgmux.session.ServerConnection;
import io.pgmux.session.ServerLogin;
import io.pgmux.tls.TlsState;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/**
 * pgmux's engine with every connection on an EmbeddedChannel: the production handlers and objects (the client
 * pipeline {@link ClientChannelInitializer} builds, {@link ServerConnection} behind the pipeline ServerChannels
 * builds for a plain-text server, real {@link Engine}, {@link PoolRegistry} and {@link Pool}), without sockets,
 * threads or task hand-offs. The caller plays both peers: it writes what a client sends and what PostgreSQL answers,
 * each as one read of a pooled buffer as a socket read gives it, and takes what pgmux writes.
 *
 * <p>Each {@link Pair} is a client and the server its pool opened for it. Each client channel is an event loop of its
 * own to the engine, so a pair's server lives on its client's loop, and one thread may drive a pair while another
 * drives another, as two event loops would.
 */
final class EmbeddedPgmux implements AutoCloseable {
    /** ServerChannels' bound on one message during a server's login. */
    private static final int MAX_LOGIN_MESSAGE = 1 << 20;

    private final Pair[] pairs;
    private final ScramKeyCache scramKeys = new ScramKeyCache();
    private final ConnectionLog connectionLog = new ConnectionLog();
    private final Engine engine;

    private EmbeddedPgmux(PgBouncerConfig config, int pairCount) throws Exception {
        pairs = new Pair[pairCount];
        EventLoop[] loops = new EventLoop[pairCount];
        for (int i = 0; i < pairCount; i++) {
            pairs[i] = new Pair(onThreadOfItsOwn(EmbeddedChannel::new));
            loops[i] = pairs[i].client.eventLoop();
        }
        Map<String, Secret> authFile = ConfigReloader.readAuthFile(config);
        TlsState tls = new TlsState();
        tls.load(config.settings());
        PoolRegistry pools = new PoolRegistry(loops, this::openServer, config, authFile);
        engine = new Engine(loops, pools, (server, loop, pid, key, timeout) -> { }, scramKeys, tls, connectionLog,
                config, authFile);
    }

    /**
     * Starts the engine with {@code pairCount} clients logged in, each with a server of its own on its loop that has
     * answered one exchange: linked to its client in session pooling, idle in the pool otherwise.
     */
    static EmbeddedPgmux start(String poolMode, int pairCount) throws Exception {
        // No server listens on the port: openServer plays PostgreSQL.
        PgBouncerConfig config = BenchConfig.load(5432, Map.of(
                "pool_mode", poolMode,
                "default_pool_size", String.valueOf(pairCount)));
        EmbeddedPgmux pgmux = new EmbeddedPgmux(config, pairCount);
        for (Pair pair : pgmux.pairs) {
            onThreadOfItsOwn(() -> {
                pair.logIn(pgmux.engine);
                return pair.roundTrip(Exchange.SIMPLE_1_ROW.request(), Exchange.SIMPLE_1_ROW.response(MessageType.TX_IDLE));
            });
        }
        // Servers opened for later clients asked the loops of earlier ones to look for waiters: nothing to find.
        for (Pair pair : pgmux.pairs) {
            pair.client.runPendingTasks();
        }
        return pgmux;
    }

    /**
     * Runs {@code task} on a new thread: each pair's objects are allocated by a thread of their own, as each event
     * loop allocates its own connections' objects. Allocated by one thread, two pairs' objects would lie side by side
     * and share cache lines, and the threads driving them would slow each other down as pgmux's loops do not.
     */
    private static <T> T onThreadOfItsOwn(Callable<T> task) throws Exception {
        FutureTask<T> result = new FutureTask<>(task);
        Thread thread = new Thread(result, "pgmux-bench-setup");
        thread.start();
        thread.join();
        return result.get();
    }

    Pair pair(int index) {
        return pairs[index];
    }

    /** The one pool all clients share (a lookup: keep it). */
    Pool pool() {
        return engine.pools().poolFor(BenchConfig.DATABASE, BenchConfig.USER, null);
    }

    /** As ServerChannels opens a server, on an EmbeddedChannel; its login is played when its client needs it. */
    private void openServer(Pool pool, ServerGeneration generation, int loopIndex) {
        ServerConnection connection = new ServerConnection(pool, loopIndex, generation.number(),
                new ServerLogin(BenchConfig.startupParameters(), pool.credentials(), scramKeys), connectionLog);
        pairs[loopIndex].serverOpened(
                new EmbeddedChannel(new ReadGate(), new TypedFrameDecoder(MAX_LOGIN_MESSAGE), connection), connection);
    }

    @Override
    public void close() {
        for (Pair pair : pairs) {
            pair.client.finishAndReleaseAll();
        }
        for (Pair pair : pairs) {
            if (pair.server != null) {
                pair.server.finishAndReleaseAll();
            }
        }
    }

    /** A client connection and the server connection opened on its loop. */
    static final class Pair {
        final EmbeddedChannel client;
        private EmbeddedChannel server;
        private ServerConnection serverConnection;
        /** The server's login has not been played yet. */
        private boolean loginDue;

        private Pair(EmbeddedChannel client) {
            this.client = client;
        }

        ClientSession session() {
            return client.pipeline().get(ClientSession.class);
        }

        ServerConnection serverConnection() {
            return serverConnection;
        }

        /** A read of these bytes from the client's socket. */
        void clientSends(byte[] bytes) {
            read(client, bytes);
            if (loginDue) {
                // The pool opened the server for this client: PostgreSQL answers its StartupMessage.
                loginDue = false;
                serverReceived();
                serverSends(Exchange.loginResponse());
            }
        }

        /** A read of these bytes from the server's socket. */
        void serverSends(byte[] bytes) {
            read(server, bytes);
        }

        /** Takes and frees what pgmux wrote to the server; returns how many bytes. */
        int serverReceived() {
            return drain(server);
        }

        /** Takes and frees what pgmux wrote to the client; returns how many bytes. */
        int clientReceived() {
            return drain(client);
        }

        /** One request through pgmux to the server and its answer back; returns the bytes relayed both ways. */
        int roundTrip(byte[] request, byte[] response) {
            clientSends(request);
            int toServer = serverReceived();
            serverSends(response);
            int toClient = clientReceived();
            if (toServer != request.length || toClient != response.length) {
                throw new IllegalStateException("relayed " + toServer + " of " + request.length + " request bytes and "
                        + toClient + " of " + response.length + " response bytes");
            }
            return toServer + toClient;
        }

        private void serverOpened(EmbeddedChannel channel, ServerConnection connection) {
            server = channel;
            serverConnection = connection;
            loginDue = true;
        }

        /** The production client pipeline, a StartupMessage, and the welcome (from the server, opened for it). */
        private void logIn(Engine engine) {
            client.pipeline().addLast(new ClientChannelInitializer(engine));
            clientSends(Exchange.startupMessage());
            if (clientReceived() == 0) {
                throw new IllegalStateException("pgmux did not welcome the client");
            }
        }

        private static void read(EmbeddedChannel channel, byte[] bytes) {
            ByteBuf buf = channel.alloc().directBuffer(bytes.length).writeBytes(bytes);
            channel.pipeline().fireChannelRead(buf).fireChannelReadComplete();
        }

        private static int drain(EmbeddedChannel channel) {
            int bytes = 0;
            ByteBuf buf;
            while ((buf = channel.readOutbound()) != null) {
                bytes += buf.readableBytes();
                buf.release();
            }
            return bytes;
        }
    }
}
