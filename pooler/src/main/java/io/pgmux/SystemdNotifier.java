package io.pgmux;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * systemd's notification protocol for a {@code Type=notify} (or {@code notify-reload}) unit, as PgBouncer speaks it:
 * READY=1 once pgmux listens, RELOADING=1 and READY=1 around a SIGHUP reload, STOPPING=1 when a shutdown signal
 * arrives. Each is one datagram to the Unix socket {@code $NOTIFY_SOCKET} names (a leading {@code @} is the abstract
 * namespace). Without that variable nothing is sent. Java's own sockets cannot send Unix datagrams, so this uses
 * Netty's native socket, which needs Linux's native transport.
 */
final class SystemdNotifier {
    private static final Logger LOG = Logger.getLogger(SystemdNotifier.class.getName());

    /** Null when there is nobody to notify. */
    private final Socket socket;
    private final byte[] address;

    private SystemdNotifier(Socket socket, byte[] address) {
        this.socket = socket;
        this.address = address;
    }

    /** The notifier $NOTIFY_SOCKET asks for, or one that sends nothing. */
    static SystemdNotifier fromEnvironment() {
        String path = System.getenv("NOTIFY_SOCKET");
        if (path == null || path.isEmpty()) {
            return new SystemdNotifier(null, null);
        }
        if (!Epoll.isAvailable()) {
            LOG.warning("NOTIFY_SOCKET is set but Netty's native transport is not available here, so systemd is "
                    + "not told when pgmux is ready: use Type=simple");
            return new SystemdNotifier(null, null);
        }
        byte[] address = path.getBytes(StandardCharsets.UTF_8);
        if (address[0] == '@') {
            address[0] = 0;
        }
        return new SystemdNotifier(Socket.newSocketDomainDgram(), address);
    }

    void ready() {
        send("READY=1");
    }

    /** Before a reload; the monotonic time lets {@code Type=notify-reload} match it with the SIGHUP it sent. */
    void reloading() {
        // System.nanoTime reads CLOCK_MONOTONIC on Linux, the clock systemd asks for.
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
    }

    void stopping() {
        send("STOPPING=1");
    }

    /** Sends one state; called from signal handler threads and at start, never from an event loop. */
    private synchronized void send(String state) {
        if (socket == null) {
            return;
        }
        byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
        ByteBuffer datagram = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        try {
            socket.sendToDomainSocket(datagram, 0, bytes.length, address);
        } catch (IOException e) {
            LOG.warning("cannot notify systemd (" + state.replace('\n', ' ') + "): " + e.getMessage());
        }
    }
}
