package io.pgmux.pool;

/** Opens a new server connection for a pool on a given event loop. */
@FunctionalInterface
public interface ServerConnector {
    /**
     * Starts connecting with the settings of {@code generation}, which the server belongs to; the connection
     * reports back through {@link Pool#release} or {@link Pool#onServerClosed}.
     */
    void open(Pool pool, ServerGeneration generation, int loopIndex);
}
