package io.pgmux.session;

import io.netty.channel.Channel;
import io.pgmux.admin.view.ConnectionSnapshot;
import io.pgmux.admin.view.ConnectionState;
import io.pgmux.admin.view.Replication;
import io.pgmux.admin.view.SocketBuffers;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;

/** Builds the SHOW CLIENTS / SHOW SERVERS row of a connection from its channel and what the session knows. */
final class Snapshots {
    private Snapshots() {
    }

    /**
     * @param waitUs      how long the query in flight has run, waiting included; 0 for none (and for servers)
     * @param closeNeeded a server to be closed when released (RECONNECT, a changed config); false for clients
     */
    static <S extends ConnectionState> ConnectionSnapshot<S> of(S state, long id, String user, String database,
            Channel channel, Instant connectTime, long lastActivityNanos, long waitUs, boolean closeNeeded,
            Long linkId, int remotePid, boolean tls, String applicationName, int preparedStatements) {
        SocketAddress remote = channel.remoteAddress();
        SocketAddress local = channel.localAddress();
        Instant requestTime = Instant.now().minusNanos(System.nanoTime() - lastActivityNanos);
        return new ConnectionSnapshot<>(state, id, user, database, Replication.NONE, host(remote), port(remote),
                host(local), port(local), connectTime, requestTime.isBefore(connectTime) ? connectTime : requestTime,
                waitUs, closeNeeded, linkId, remotePid, tls ? "TLS" : "", applicationName == null ? "" : applicationName,
                preparedStatements, SocketBuffers.EMPTY);
    }

    private static String host(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "unix";
    }

    private static int port(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getPort() : 0;
    }
}
