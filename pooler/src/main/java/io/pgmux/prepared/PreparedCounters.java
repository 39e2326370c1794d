package io.pgmux.prepared;

/**
 * PgBouncer's prepared-statement statistics of one pool on one event loop (SHOW STATS client_parse_count,
 * server_parse_count, bind_count). Written and read only on that loop, so the fields are plain; a reader on another
 * thread gets the figures through a task on the loop.
 */
public final class PreparedCounters implements PreparedStatementEvents {
    private long clientParses;
    private long serverParses;
    private long binds;

    @Override
    public void clientParse() {
        clientParses++;
    }

    @Override
    public void serverParse() {
        serverParses++;
    }

    @Override
    public void bind() {
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
