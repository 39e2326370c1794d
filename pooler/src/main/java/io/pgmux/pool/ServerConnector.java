package io.pgmux.pool;

/** Opens a new server connection for a pool on a given event loop. */
@FunctionalInterface
public interface ServerConnector {
    /** Starts connecting; the connection reports back through {@link Pool#release} or {@link Pool#onServerClosed}. */
    void open(Pool pool, int loopIndex);
}
