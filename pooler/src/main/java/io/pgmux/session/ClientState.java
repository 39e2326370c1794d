package io.pgmux.session;

/** Client states, named as SHOW CLIENTS and the cl_* columns of SHOW POOLS name them. */
public enum ClientState {
    /** Startup packet and authentication. */
    LOGIN,
    /** Authenticated, waiting for the first server login to learn the server's parameters. */
    WAIT_WELCOME,
    /** Logged in; may or may not hold a server. */
    ACTIVE,
    /** Has sent a query and waits for a server. */
    WAITING,
    /** Gone. */
    CLOSED
}
