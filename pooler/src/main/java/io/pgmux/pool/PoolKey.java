package io.pgmux.pool;

/** A pool is one client-visible database with one user. */
public record PoolKey(String database, String user) {
}
