package io.pgmux.session;

/** Server connection states, named as SHOW SERVERS and the sv_* columns of SHOW POOLS name them. */
public enum ServerState {
    /** Logging in to the server. */
    LOGIN,
    /** Linked to a client. */
    ACTIVE,
    /** Idle in the pool, ready for a client. */
    IDLE,
    /** Released, being reset before it becomes idle. */
    USED,
    /** Closed. */
    CLOSED
}
