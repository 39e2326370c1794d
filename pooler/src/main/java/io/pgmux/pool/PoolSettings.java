package io.pgmux.pool;

import io.pgmux.config.DatabaseEntry;
import io.pgmux.config.PoolMode;
import java.time.Duration;

/**
 * How one pool connects and how large it may grow, resolved from the database entry, the user entry and the
 * {@code [pgbouncer]} defaults.
 *
 * @param database       the database entry (host, port, server dbname, startup values)
 * @param serverUser     the user pgmux logs in to the server as
 * @param credentials    what pgmux logs in to the server with
 * @param poolSize       hard limit of server connections of this pool
 * @param poolMode       when a server goes back to the pool
 * @param resetQuery     run on a server when a session client leaves (empty: none)
 * @param loginRetry     how long a failed login makes new clients fail fast (server_login_retry)
 * @param connectTimeout server_connect_timeout
 * @param roundRobin     server_round_robin
 */
public record PoolSettings(
        DatabaseEntry database,
        String serverUser,
        ServerCredentials credentials,
        int poolSize,
        PoolMode poolMode,
        String resetQuery,
        Duration loginRetry,
        Duration connectTimeout,
        boolean roundRobin) {

    @Override
    public String toString() {
        return "PoolSettings[" + database.name() + "/" + serverUser + " size=" + poolSize + " mode=" + poolMode + "]";
    }
}
