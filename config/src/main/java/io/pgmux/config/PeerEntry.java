package io.pgmux.config;

/**
 * One {@code [peers]} line: another pgmux/PgBouncer process that cancel requests may be forwarded to.
 *
 * @param peerId   the key of the line, 1 to {@link #MAX_PEER_ID}
 * @param host     host name, IP address, Unix socket directory ({@code /...}) or abstract socket ({@code @...})
 * @param port     port, {@link #DEFAULT_PORT} when not given
 * @param poolSize most cancel requests in flight to the peer; -1 when not given ({@code default_pool_size} applies)
 */
public record PeerEntry(int peerId, String host, int port, int poolSize) {
    /** The largest peer id (two bytes of the cancel key, as PgBouncer documents it). */
    public static final int MAX_PEER_ID = 16383;

    /** The port used when a peer line gives none. */
    public static final int DEFAULT_PORT = 6432;
}
