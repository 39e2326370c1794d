package io.pgmux.admin.view;

import java.util.Objects;

/**
 * One [databases] entry (configured, auto-created from {@code *}, or the admin database) for SHOW DATABASES.
 * It holds no password: PgBouncer never shows one.
 *
 * @param host the host list as configured, or null for the default Unix socket
 * @param database the database name on the server (dbname)
 * @param forceUser the user= of the entry, or null
 * @param poolSize effective pool_size (the entry's, else default_pool_size); likewise the next two
 * @param serverLifetimeSeconds effective server_lifetime in seconds
 * @param poolMode the entry's own pool_mode, or null when it inherits
 * @param loadBalanceHosts the entry's setting, or null unless host is a comma-separated list
 * @param maxConnections effective max_db_connections
 * @param currentConnections server connections to this database now
 * @param maxClientConnections effective max_db_client_connections
 * @param currentClientConnections client connections to this database now
 */
public record DatabaseSnapshot(String name, String host, int port, String database, String forceUser, int poolSize,
        int minPoolSize, int reservePoolSize, int serverLifetimeSeconds, PoolMode poolMode,
        LoadBalanceHosts loadBalanceHosts, int maxConnections, int currentConnections, int maxClientConnections,
        int currentClientConnections, boolean paused, boolean disabled) {
    public DatabaseSnapshot {
        Objects.requireNonNull(name, "name");
    }
}
