package io.pgmux.pool;

import io.pgmux.session.ClientSession;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A client waiting for a server, queued in arrival order. A client that leaves while waiting is cancelled in place
 * and skipped when its turn comes; the state CAS makes sure one waiter is served at most once.
 */
public final class Waiter {
    private static final int WAITING = 0;
    private static final int TAKEN = 1;
    private static final int CANCELLED = 2;

    /** One object less per queued checkout than an AtomicInteger field. */
    private static final AtomicIntegerFieldUpdater<Waiter> STATE =
            AtomicIntegerFieldUpdater.newUpdater(Waiter.class, "state");

    private final ClientSession client;
    private final int loopIndex;
    private final long sinceNanos;
    private volatile int state = WAITING;

    Waiter(ClientSession client) {
        this(client, client.loopIndex(), System.nanoTime());
    }

    Waiter(ClientSession client, int loopIndex, long sinceNanos) {
        this.client = client;
        this.loopIndex = loopIndex;
        this.sinceNanos = sinceNanos;
    }

    public ClientSession client() {
        return client;
    }

    /** The event loop of the client, whose queue holds this waiter. */
    int loopIndex() {
        return loopIndex;
    }

    /** When the client started to wait. */
    public long sinceNanos() {
        return sinceNanos;
    }

    /** Still waiting: neither served nor cancelled. */
    boolean waiting() {
        return state == WAITING;
    }

    /** Claims this waiter for a server; false if it was cancelled or already served. */
    boolean take() {
        return STATE.compareAndSet(this, WAITING, TAKEN);
    }

    /** The client no longer waits; false when a server was already handed to it. */
    public boolean cancel() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }
}
