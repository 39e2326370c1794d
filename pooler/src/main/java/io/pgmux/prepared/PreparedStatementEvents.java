package io.pgmux.prepared;

/**
 * What the prepared-statement support counts for SHOW STATS (client_parse_count, server_parse_count, bind_count),
 * called on the client's event loop. {@link PreparedCounters} keeps them per pool and loop.
 */
public interface PreparedStatementEvents {
    /** A client's Parse of a named statement. */
    void clientParse();

    /** A Parse pgmux sent to a server for a client's named statement. */
    void serverParse();

    /** A client's Bind of a named statement. */
    void bind();
}
