package io.pgmux.admin.control;

/** How SHUTDOWN ends the process: now, once servers are released, or once clients have left. */
public enum ShutdownMode {
    /** Exit now. PgBouncer sends no reply: the admin connection stays open until the process is gone. */
    IMMEDIATE,
    /** Stop accepting, drop waiting clients, pause, and exit once every server is released. */
    WAIT_FOR_SERVERS,
    /** Stop accepting and exit once every client has disconnected (rolling restart with so_reuseport). */
    WAIT_FOR_CLIENTS
}
