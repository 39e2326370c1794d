package io.pgmux.pool;

import io.pgmux.config.DatabaseEntry;
import io.pgmux.config.PoolMode;
import java.time.Duration;

/**
 * How one pool connects, how large it may grow and when its connections time out, resolved from the database
 * entry, the user entry and the {@code [pgbouncer]} defaults. Durations of zero turn a timeout off.
 *
 * @param database               the database entry (host, port, server dbname, startup values)
 * @param serverUser             the user pgmux logs in to the server as
 * @param credentials            what pgmux logs in to the server with
 * @param poolSize               limit of server connections of this pool
 * @param reservePoolSize        extra servers allowed for clients waiting longer than reservePoolTimeout
 * @param minPoolSize            servers kept open even when idle
 * @param maxDbConnections       limit over all pools of the database (0: none)
 * @param maxUserConnections     limit over all pools of the server user (0: none)
 * @param poolMode               when a server goes back to the pool
 * @param resetQuery             run on a server when a session client leaves (empty: none)
 * @param resetQueryAlways       run the reset query in every pool mode
 * @param checkQuery             run on a server idle longer than checkDelay before use (null: no check)
 * @param fastClose              server_fast_close: a session's server marked close-needed goes at transaction end
 */
public record PoolSettings(
        DatabaseEntry database,
        String serverUser,
        ServerCredentials credentials,
        int poolSize,
        int reservePoolSize,
        Duration reservePoolTimeout,
        int minPoolSize,
        int maxDbConnections,
        int maxUserConnections,
        PoolMode poolMode,
        String resetQuery,
        boolean resetQueryAlways,
        String checkQuery,
        Duration checkDelay,
        Duration loginRetry,
        Duration connectTimeout,
        Duration serverLifetime,
        Duration serverIdleTimeout,
        Duration queryTimeout,
        Duration queryWaitTimeout,
        Duration clientIdleTimeout,
        Duration idleTransactionTimeout,
        Duration transactionTimeout,
        boolean roundRobin,
        boolean fastClose) {

    @Override
    public String toString() {
        return "PoolSettings[" + database.name() + "/" + serverUser + " size=" + poolSize + " mode=" + poolMode + "]";
    }
}
