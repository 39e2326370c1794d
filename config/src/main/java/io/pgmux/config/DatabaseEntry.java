package io.pgmux.config;

import java.time.Duration;
import java.util.Objects;

/**
 * One {@code [databases]} line: where the server is and how its pools are shaped. Optional numbers are -1 when
 * not given or negative (the {@code [pgbouncer]} default applies); optional texts are null.
 *
 * @param name                   the name clients connect to ({@code *} for the fallback entry)
 * @param host                   server host, comma list, Unix socket directory ({@code /...}) or abstract socket
 *                               ({@code @...}); null = a Unix socket in {@code unix_socket_dir}
 * @param port                   server port (default 5432)
 * @param dbname                 server database name; null = same as {@code name}
 * @param user                   forced server user; null = the client's user
 * @param password               password for the forced user, or null
 * @param authUser               per-database auth_user, or null
 * @param authQuery              per-database auth_query, or null
 * @param authDbname             per-database auth_dbname, or null
 * @param poolSize               pool_size, or -1
 * @param minPoolSize            min_pool_size, or -1
 * @param reservePool            reserve_pool_size (also spelled reserve_pool), or -1
 * @param maxDbConnections       max_db_connections, or -1
 * @param maxDbClientConnections max_db_client_connections, or -1
 * @param serverLifetime         per-database server_lifetime in whole seconds, or null (not given, or 0)
 * @param poolMode               per-database pool_mode, or null
 * @param connectQuery           query run on each new server connection, or null
 * @param clientEncoding         client_encoding startup parameter, or null
 * @param datestyle              datestyle startup parameter, or null
 * @param timezone               timezone startup parameter, or null
 * @param applicationName        application_name startup parameter, or null
 * @param loadBalanceHosts       {@code round-robin} (the default) or {@code disable}
 */
public record DatabaseEntry(
        String name,
        String host,
        int port,
        String dbname,
        String user,
        String password,
        String authUser,
        String authQuery,
        String authDbname,
        int poolSize,
        int minPoolSize,
        int reservePool,
        int maxDbConnections,
        int maxDbClientConnections,
        Duration serverLifetime,
        PoolMode poolMode,
        String connectQuery,
        String clientEncoding,
        String datestyle,
        String timezone,
        String applicationName,
        String loadBalanceHosts) {

    /** The name of the fallback entry used for databases not listed. */
    public static final String FALLBACK = "*";

    /** The server database name this entry connects to. */
    public String serverDbname() {
        return dbname != null ? dbname : name;
    }

    /** This entry as used for a database that is not listed, taken from the {@code *} entry. */
    public DatabaseEntry forDatabase(String clientDbName) {
        return new DatabaseEntry(clientDbName, host, port, dbname, user, password, authUser, authQuery, authDbname,
                poolSize, minPoolSize, reservePool, maxDbConnections, maxDbClientConnections, serverLifetime,
                poolMode, connectQuery, clientEncoding, datestyle, timezone, applicationName, loadBalanceHosts);
    }

    /**
     * This entry with another forced user and password (null for none), its other values kept: the entry a running
     * pool keeps using when RELOAD forces a different user on its database, since that pool logs in as its own user.
     */
    public DatabaseEntry withForcedUser(String forcedUser, String forcedPassword) {
        return new DatabaseEntry(name, host, port, dbname, forcedUser, forcedPassword, authUser, authQuery, authDbname,
                poolSize, minPoolSize, reservePool, maxDbConnections, maxDbClientConnections, serverLifetime,
                poolMode, connectQuery, clientEncoding, datestyle, timezone, applicationName, loadBalanceHosts);
    }

    /**
     * True when servers opened for this entry and for {@code other} are alike: same address, server database,
     * login and startup values, and the same auth_query and auth_dbname, which PgBouncer counts as a changed
     * connection string too. Pool sizes, limits, pool_mode and server_lifetime do not matter: RELOAD applies those
     * to the servers that are open.
     */
    public boolean sameServer(DatabaseEntry other) {
        return Objects.equals(host, other.host) && port == other.port
                && serverDbname().equals(other.serverDbname())
                && Objects.equals(user, other.user) && Objects.equals(password, other.password)
                && Objects.equals(authQuery, other.authQuery) && Objects.equals(authDbname, other.authDbname)
                && Objects.equals(connectQuery, other.connectQuery)
                && Objects.equals(clientEncoding, other.clientEncoding) && Objects.equals(datestyle, other.datestyle)
                && Objects.equals(timezone, other.timezone) && Objects.equals(applicationName, other.applicationName)
                && Objects.equals(loadBalanceHosts, other.loadBalanceHosts);
    }

    @Override
    public String toString() {
        return "DatabaseEntry[" + name + " host=" + host + " port=" + port + " dbname=" + serverDbname()
                + (user != null ? " user=" + user : "") + (password != null ? " password=***" : "") + "]";
    }
}
