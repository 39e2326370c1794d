package io.pgmux.pool;

import io.pgmux.session.ClientSession;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client waiting for a server, queued in arrival order. A client that leaves while waiting is cancelled in place
 * and skipped when its turn comes; the state CAS makes sure one waiter is served at most once.
 */
public final class Waiter {
    private static final int WAITING = 0;
    private static final int TAKEN = 1;
    private static final int CANCELLED = 2;

    private final ClientSession client;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private final long sinceNanos = System.nanoTime();

    Waiter(ClientSession client) {
        this.client = client;
    }

    public ClientSession client() {
        return client;
    }

    /** When the client started to wait. */
    public long sinceNanos() {
        return sinceNanos;
    }

    /** Still waiting: neither served nor cancelled. */
    boolean waiting() {
        return state.get() == WAITING;
    }

    /** Claims this waiter for a server; false if it was cancelled or already served. */
    boolean take() {
        return state.compareAndSet(WAITING, TAKEN);
    }

    /** The client no longer waits; false when a server was already handed to it. */
    public boolean cancel() {
        return state.compareAndSet(WAITING, CANCELLED);
    }
}
