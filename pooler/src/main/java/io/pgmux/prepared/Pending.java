package io.pgmux.prepared;

/**
 * A Parse or Close pgmux sent to a server whose answer (ParseComplete, CloseComplete) needs something done: cut
 * out, retyped, or undone when the server skipped the message after an error. Confined to the pair's loop.
 */
final class Pending {
    /** What was sent, and what its answer or its failure means. */
    enum Kind {
        /** The client's Parse, sent under the server name: answered as is; if skipped, nothing was prepared. */
        CLIENT_PARSE(true),
        /** A Parse pgmux inserted before a Bind or Describe: its answer is cut out. */
        INSERTED_PARSE(true),
        /** The Close that stands for a client's Parse the server did not need: answered as ParseComplete. */
        PARSE_AS_CLOSE(false),
        /** The Close of a statement evicted from the server's LRU: its answer is cut out. */
        EVICTION(false);

        final boolean parse;

        Kind(boolean parse) {
            this.parse = parse;
        }
    }

    final Kind kind;
    final Statement statement;
    /** The client's map and name the statement was prepared under, for the client's kinds; else null. */
    final ClientStatements client;
    final String name;
    /** Position of the message among the Parse messages (or the Close messages) sent on this link. */
    long ordinal;

    Pending(Kind kind, Statement statement, ClientStatements client, String name) {
        this.kind = kind;
        this.statement = statement;
        this.client = client;
        this.name = name;
    }
}
