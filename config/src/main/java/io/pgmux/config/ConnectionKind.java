package io.pgmux.config;

/** How a client reached the pooler: over a Unix socket or over TCP. */
public enum ConnectionKind {
    /** A Unix-domain socket; only {@code local} HBA rules apply. */
    LOCAL,
    /** A TCP connection; {@code host}, {@code hostssl} and {@code hostnossl} rules apply. */
    HOST
}
