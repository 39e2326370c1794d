package io.pgmux.pool;

/**
 * The settings a pool's new servers open with, numbered. RECONNECT, and a RELOAD or SET that changes where or how
 * servers log in, start a new generation; a server of an older one is close-needed and closes once released. One
 * immutable value, swapped whole, so a server opened with these settings is always counted in this generation.
 *
 * @param number   counts up from 0
 * @param settings what the pool runs with now
 */
public record ServerGeneration(int number, PoolSettings settings) {

    /** The same generation with other settings: servers already open stay in use. */
    ServerGeneration with(PoolSettings newSettings) {
        return new ServerGeneration(number, newSettings);
    }

    /** A new generation with these settings: every server open now is close-needed. */
    ServerGeneration next(PoolSettings newSettings) {
        return new ServerGeneration(number + 1, newSettings);
    }
}
