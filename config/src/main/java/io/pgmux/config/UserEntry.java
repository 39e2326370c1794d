package io.pgmux.config;

import java.time.Duration;

/**
 * One {@code [users]} line: per-user overrides. Optional numbers are -1 when not given (or negative); times are
 * whole seconds, null when not given or 0 (PgBouncer then uses the {@code [pgbouncer]} value).
 */
public record UserEntry(
        String name,
        int poolSize,
        int reservePoolSize,
        PoolMode poolMode,
        int maxUserConnections,
        int maxUserClientConnections,
        Duration queryTimeout,
        Duration idleTransactionTimeout,
        Duration transactionTimeout,
        Duration clientIdleTimeout) {
}
