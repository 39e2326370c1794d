package io.pgmux.prepared;

/**
 * PgBouncer's prepared-statement statistics of one pool on one event loop (SHOW STATS client_parse_count,
 * server_parse_count, bind_count). Written and read only on that loop, so the fields are plain; a reader on another
 * thread gets the figures through a task on the loop.
 */
public final class PreparedCounters {
    private long clientParses;
    private long serverParses;
    private long binds;

    /** A client's Parse of a named statement. */
    void clientParse() {
        clientParses++;
    }

    /** A Parse pgmux sent to a server for a client's named statement. */
    void serverParse() {
        serverParses++;
    }

    /** A client's Bind of a named statement. */
    void bind() {
        binds++;
    }

    public long clientParses() {
        return clientParses;
    }

    public long serverParses() {
        return serverParses;
    }

    public long binds() {
        return binds;
    }
}
