package io.pgmux.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.pgmux.config.Setting;
import io.pgmux.config.Settings;
import io.pgmux.session.ListenerControl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * The sockets clients connect to: TCP on listen_addr:listen_port and the Unix socket in unix_socket_dir. Changed
 * by SUSPEND (stop accepting) and the waiting SHUTDOWN modes (TCP closed) from any thread.
 */
public final class Listeners implements AutoCloseable, ListenerControl {
    private static final Logger LOG = Logger.getLogger(Listeners.class.getName());
    /** Sizes each client's reads from its own history; one shared instance instead of one per client. */
    private static final AdaptiveRecvByteBufAllocator RECV_ALLOCATOR = new AdaptiveRecvByteBufAllocator();

    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private Path unixSocket;

    /**
     * Binds every listener the settings name.
     *
     * @throws IOException when a listener cannot be bound; those bound so far are closed
     */
    public static Listeners bind(Settings settings, EventLoopGroup group, Transport transport,
            ClientChannelInitializer initializer) throws IOException {
        Listeners listeners = new Listeners();
        try {
            int port = settings.integer(Setting.LISTEN_PORT);
            int backlog = settings.integer(Setting.LISTEN_BACKLOG);
            for (String addr : settings.list(Setting.LISTEN_ADDR)) {
                InetSocketAddress address = addr.equals("*") ? new InetSocketAddress(port)
                        : new InetSocketAddress(addr, port);
                listeners.bindOne(new ServerBootstrap().group(group)
                        .channel(transport.serverSocketChannel())
                        .option(ChannelOption.SO_BACKLOG, backlog)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.SO_KEEPALIVE, true), address, initializer);
            }
            String dir = settings.string(Setting.UNIX_SOCKET_DIR);
            if (dir != null && !dir.isBlank() && !dir.startsWith("@")) {
                Path path = Path.of(dir, ".s.PGSQL." + port);
                Files.deleteIfExists(path);
                SocketAddress address = transport == Transport.NIO
                        ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path.toFile());
                listeners.bindOne(new ServerBootstrap().group(group)
                        .channel(transport.serverDomainSocketChannel())
                        .option(ChannelOption.SO_BACKLOG, backlog), address, initializer);
                listeners.unixSocket = path;
                applySocketPermissions(path, settings);
            }
        } catch (IOException | RuntimeException e) {
            listeners.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return listeners;
    }

    private void bindOne(ServerBootstrap bootstrap, SocketAddress address, ClientChannelInitializer initializer)
            throws IOException {
        try {
            Channel ch = bootstrap.childHandler(initializer)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ServerChannels.WATER_MARK)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECV_ALLOCATOR)
                    .bind(address).syncUninterruptibly().channel();
            channels.add(ch);
            LOG.info("listening on " + describe(ch.localAddress()));
        } catch (Exception e) {
            throw new IOException("cannot listen on " + describe(address) + ": " + e.getMessage(), e);
        }
    }

    private static void applySocketPermissions(Path path, Settings settings) throws IOException {
        int mode = settings.integer(Setting.UNIX_SOCKET_MODE);
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
            // PosixFilePermission lists OWNER_READ first, which is the highest bit (0400).
            if ((mode & (1 << (8 - i))) != 0) {
                perms.add(bits[i]);
            }
        }
        Files.setPosixFilePermissions(path, perms);
        String group = settings.string(Setting.UNIX_SOCKET_GROUP);
        if (group != null && !group.isBlank()) {
            GroupPrincipal principal = path.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(group);
            Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(principal);
        }
    }

    /** The TCP port actually bound (useful with listen_port = 0), or -1 without a TCP listener. */
    public int tcpPort() {
        for (Channel ch : channels) {
            if (ch.localAddress() instanceof InetSocketAddress inet) {
                return inet.getPort();
            }
        }
        return -1;
    }

    /** Closes the TCP listeners; the Unix socket stays for the admin console, as in PgBouncer. */
    @Override
    public CompletableFuture<Void> closeTcp() {
        List<CompletableFuture<Void>> closed = new ArrayList<>();
        for (Channel ch : channels) {
            SocketAddress address = ch.localAddress();
            if (address instanceof InetSocketAddress) {
                channels.remove(ch);
                CompletableFuture<Void> done = new CompletableFuture<>();
                // Not waited for here: this may run on an event loop.
                ch.close().addListener(f -> {
                    LOG.info("stopped listening on " + describe(address));
                    done.complete(null);
                });
                closed.add(done);
            }
        }
        return CompletableFuture.allOf(closed.toArray(new CompletableFuture<?>[0]));
    }

    /** A listener that does not read takes no new connection: they queue in the kernel's backlog. */
    @Override
    public void accepting(boolean accept) {
        for (Channel ch : channels) {
            ch.config().setAutoRead(accept);
        }
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        channels.clear();
        if (unixSocket != null) {
            try {
                Files.deleteIfExists(unixSocket);
            } catch (IOException e) {
                LOG.warning("cannot remove " + unixSocket + ": " + e.getMessage());
            }
        }
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        if (address instanceof DomainSocketAddress unix) {
            return "unix:" + unix.path();
        }
        return String.valueOf(address);
    }
}
