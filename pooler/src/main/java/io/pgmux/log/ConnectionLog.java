package io.pgmux.log;

import io.pgmux.config.Setting;
import io.pgmux.config.Settings;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * PgBouncer's connection log lines, each written only while its key is on: {@code log_connections} (logins and new
 * server connections), {@code log_disconnections} ({@code closing because: ... (age=Ns)}) and
 * {@code log_pooler_errors} (each error pgmux sends a client). Lines start with PgBouncer's prefix for the
 * connection, {@code C-0x1f: db/user@10.0.0.7:51234}. Thread-safe: the switches are swapped whole on RELOAD.
 */
public final class ConnectionLog {
    private static final Logger LOG = Logger.getLogger(ConnectionLog.class.getName());

    private volatile Switches switches = new Switches(true, true, true);

    /** Which lines are written. */
    private record Switches(boolean connections, boolean disconnections, boolean poolerErrors) {
    }

    /** Reads the three keys (at start and after each RELOAD or SET). */
    public void apply(Settings settings) {
        switches = new Switches(settings.bool(Setting.LOG_CONNECTIONS), settings.bool(Setting.LOG_DISCONNECTIONS),
                settings.bool(Setting.LOG_POOLER_ERRORS));
    }

    /**
     * PgBouncer's prefix for a client ({@code type} C) or server (S) connection.
     *
     * @param id the connection id SHOW CLIENTS and SHOW SERVERS print as ptr
     * @param database the pool's database, or null before it is known
     * @param user the login user, or null before it is known
     */
    public static String prefix(char type, long id, String database, String user, SocketAddress remote) {
        String host;
        if (remote instanceof InetSocketAddress inet) {
            String ip = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            host = (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + inet.getPort();
        } else {
            host = "unix";
        }
        return type + "-0x" + Long.toHexString(id) + ": " + (database != null ? database : "(nodb)") + "/"
                + (user != null ? user : "(nouser)") + "@" + host;
    }

    /** log_connections: a client named its database and user. */
    public void loginAttempt(String prefix, String database, String user, String tls) {
        if (switches.connections()) {
            LOG.info(prefix + " login attempt: db=" + database + " user=" + user + " tls=" + tls
                    + " replication=no");
        }
    }

    /** log_connections: a client's database does not exist. */
    public void loginFailed(String prefix, String database, String user) {
        if (switches.connections()) {
            LOG.info(prefix + " login failed: db=" + database + " user=" + user);
        }
    }

    /** log_connections: user pgbouncer came in over the Unix socket as pgmux's own OS user. */
    public void unixAdminAccess(String prefix) {
        if (switches.connections()) {
            LOG.info(prefix + " pgbouncer access from unix socket");
        }
    }

    /** log_connections: a server connection was made, from this local address (null for a Unix socket). */
    public void newServerConnection(String prefix, SocketAddress local) {
        if (switches.connections()) {
            LOG.info(prefix + " new connection to server"
                    + (local instanceof InetSocketAddress inet ? " (from " + inet.getAddress().getHostAddress() + ":"
                    + inet.getPort() + ")" : ""));
        }
    }

    /** log_disconnections: a connection is closed, and why. */
    public void closing(String prefix, String reason, long ageNanos) {
        if (switches.disconnections()) {
            LOG.info(prefix + " closing because: " + reason + " (age=" + ageNanos / 1_000_000_000L + "s)");
        }
    }

    /** log_pooler_errors: an error pgmux sends a client. */
    public void poolerError(String prefix, String message) {
        if (switches.poolerErrors()) {
            LOG.log(Level.WARNING, prefix + " pooler error: " + message);
        }
    }
}
