package io.pgmux.session;

import java.util.concurrent.CompletableFuture;

/** The listening sockets as SUSPEND and the waiting SHUTDOWN modes change them. */
public interface ListenerControl {
    /**
     * SHUTDOWN WAIT_FOR_SERVERS or WAIT_FOR_CLIENTS: only the Unix socket stays open, for the admin console.
     * Completes once the TCP listeners are closed.
     */
    CompletableFuture<Void> closeTcp();

    /** SUSPEND stops accepting connections (they wait in the backlog); RESUME accepts again. */
    void accepting(boolean accept);
}
