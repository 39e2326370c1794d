package io.pgmux.admin.view;

import java.util.Objects;

/**
 * One pool (database, user) for SHOW POOLS.
 *
 * @param maxWaitUs how long the oldest waiting client has waited, in microseconds; 0 when none waits
 * @param poolMode the mode the pool runs in
 * @param loadBalanceHosts the database's setting, or null unless its host is a comma-separated list
 */
public record PoolSnapshot(String database, String user, StateCounts counts, long maxWaitUs, PoolMode poolMode,
        LoadBalanceHosts loadBalanceHosts) {
    public PoolSnapshot {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(poolMode, "poolMode");
    }
}
