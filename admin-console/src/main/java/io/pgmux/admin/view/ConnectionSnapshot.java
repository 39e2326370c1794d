package io.pgmux.admin.view;

import java.time.Instant;
import java.util.Objects;

/**
 * One client or server connection: every column of SHOW CLIENTS, SHOW SERVERS and SHOW SOCKETS.
 *
 * @param state the client or server state; its class decides the type column
 * @param id the connection's id, unique over clients and servers; ptr is printed from it
 * @param user the login user, or null before it is known ({@code (nouser)})
 * @param database the pool's database, or null for none or a peer ({@code (nodb)})
 * @param addr the remote address, {@code unix} for a Unix socket
 * @param localAddr the local address
 * @param connectTime when the connection was made
 * @param requestTime when the last request was issued
 * @param waitUs how long the current query has waited, in microseconds (0 when none)
 * @param closeNeeded whether the connection closes as soon as it is released (RECONNECT, RELOAD)
 * @param linkId the id of the paired server or client, or null when unlinked
 * @param remotePid the backend's PID for a server; the peer's PID for a Unix-socket client; else 0
 * @param tls TLS connection information, empty when plain
 * @param applicationName the application_name, empty when unset
 * @param preparedStatements how many prepared statements the connection holds
 * @param buffers I/O buffer positions for SHOW SOCKETS
 */
public record ConnectionSnapshot<S extends ConnectionState>(S state, long id, String user, String database,
        Replication replication, String addr, int port, String localAddr, int localPort, Instant connectTime,
        Instant requestTime, long waitUs, boolean closeNeeded, Long linkId, int remotePid, String tls,
        String applicationName, int preparedStatements, SocketBuffers buffers) {
    public ConnectionSnapshot {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(addr, "addr");
        Objects.requireNonNull(localAddr, "localAddr");
        Objects.requireNonNull(connectTime, "connectTime");
        Objects.requireNonNull(requestTime, "requestTime");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(applicationName, "applicationName");
        Objects.requireNonNull(buffers, "buffers");
    }
}
