package io.pgmux.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.DomainSocketAddress;
import io.pgmux.auth.ScramKeyCache;
import io.pgmux.config.DatabaseEntry;
import io.pgmux.log.ConnectionLog;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolSettings;
import io.pgmux.pool.ServerConnector;
import io.pgmux.pool.ServerGeneration;
import io.pgmux.protocol.PgMessages;
import io.pgmux.protocol.TypedFrameDecoder;
import io.pgmux.session.Engine;
import io.pgmux.session.ServerConnection;
import io.pgmux.session.ServerLogin;
import io.pgmux.tls.ServerTlsNegotiator;
import io.pgmux.tls.TlsContexts;
import io.pgmux.tls.TlsState;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/** Opens connections to PostgreSQL servers: pooled server connections and one-shot cancel requests. */
public final class ServerChannels implements ServerConnector, Engine.CancelSender {
    private static final Logger LOG = Logger.getLogger(ServerChannels.class.getName());
    /** Bound on one message during a server's login (ParameterStatus, errors). */
    private static final int MAX_LOGIN_MESSAGE = 1 << 20;
    /** Relay buffering per direction before reading from the other side pauses. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final EventLoop[] loops;
    private final Transport transport;
    private final ScramKeyCache scramKeys;
    private final TlsState tls;
    private final ConnectionLog connectionLog;
    private final AtomicInteger roundRobin = new AtomicInteger();

    public ServerChannels(EventLoop[] loops, Transport transport, ScramKeyCache scramKeys, TlsState tls,
            ConnectionLog connectionLog) {
        this.loops = loops;
        this.connectionLog = connectionLog;
        this.transport = transport;
        this.scramKeys = scramKeys;
        this.tls = tls;
    }

    @Override
    public void open(Pool pool, ServerGeneration generation, int loopIndex) {
        PoolSettings settings = generation.settings();
        SocketAddress address = address(settings.database());
        ServerConnection connection = new ServerConnection(pool, loopIndex, generation.number(),
                new ServerLogin(startupParameters(settings), pool.credentials(), scramKeys), connectionLog);
        TlsContexts.ServerTls serverTls = tls.serverTls();
        Bootstrap bootstrap = bootstrap(loops[loopIndex], address)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis(settings.connectTimeout()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReadGate());
                        if (serverTls.enabled() && address instanceof InetSocketAddress inet) {
                            ch.pipeline().addLast(
                                    new ServerTlsNegotiator(serverTls, inet.getHostString(), inet.getPort()));
                        }
                        ch.pipeline().addLast(new TypedFrameDecoder(MAX_LOGIN_MESSAGE), connection);
                    }
                });
        bootstrap.connect(address).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.warning("S: " + pool.key() + " connect to " + address + " failed: " + f.cause().getMessage());
                connection.onConnectFailed(f.cause());
            }
        });
    }

    @Override
    public void send(SocketAddress server, EventLoop loop, int processId, int secretKey, Duration timeout) {
        bootstrap(loop, server)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis(timeout))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                    }
                })
                .connect(server).addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        ByteBuf request = PgMessages.cancelRequest(processId, secretKey);
                        f.channel().writeAndFlush(request).addListener(ChannelFutureListener.CLOSE);
                    }
                });
    }

    /** Netty's connect timeout in ms; 0 in the config means none, which Netty spells 0 too. */
    private static int connectTimeoutMillis(Duration timeout) {
        return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    private Bootstrap bootstrap(EventLoop loop, SocketAddress address) {
        boolean unix = address instanceof DomainSocketAddress || address instanceof UnixDomainSocketAddress;
        Bootstrap b = new Bootstrap().group(loop)
                .channel(unix ? transport.domainSocketChannel() : transport.socketChannel())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        if (!unix) {
            b.option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.SO_KEEPALIVE, true);
        }
        return b;
    }

    /** Host, comma list (round robin) or Unix socket directory, as PgBouncer reads them. */
    private SocketAddress address(DatabaseEntry db) {
        String host = db.host();
        if (host == null || host.isEmpty()) {
            host = "/tmp";
        }
        String[] hosts = host.split(",");
        String chosen = hosts[Math.floorMod(roundRobin.getAndIncrement(), hosts.length)].trim();
        if (chosen.startsWith("/")) {
            String path = chosen + "/.s.PGSQL." + db.port();
            return transport == Transport.NIO ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path);
        }
        return InetSocketAddress.createUnresolved(chosen, db.port());
    }

    private static Map<String, String> startupParameters(PoolSettings settings) {
        DatabaseEntry db = settings.database();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", settings.serverUser());
        p.put("database", db.serverDbname());
        putIfSet(p, "client_encoding", db.clientEncoding());
        putIfSet(p, "datestyle", db.datestyle());
        putIfSet(p, "timezone", db.timezone());
        putIfSet(p, "application_name", db.applicationName());
        return p;
    }

    private static void putIfSet(Map<String, String> params, String name, String value) {
        if (value != null && !value.isEmpty()) {
            params.put(name, value);
        }
    }
}
