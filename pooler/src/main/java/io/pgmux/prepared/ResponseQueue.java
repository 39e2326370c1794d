package io.pgmux.prepared;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What pgmux does with a server's ParseComplete and CloseComplete messages while a client is linked. Every Parse
 * and Close sent to the server is counted, named or not, and so is every answer; the few that need an action are
 * queued with their ordinal, so unnamed traffic costs a counter increment and no allocation. The server answers in
 * order, so only the head entry can match the next answer.
 *
 * <p>After an ErrorResponse the server skips everything up to the next Sync. Each request that gets a
 * ReadyForQuery (Sync, Query, FunctionCall) records the counters when it is sent; at a ReadyForQuery after an error
 * the answer counters jump to that record and the entries up to it are undone, newest first, since the server never
 * ran them. Confined to the pair's loop; empty whenever the server is released.
 */
final class ResponseQueue {
    /** Forward the answer. */
    static final int FORWARD = 0;
    /** Cut the answer out of the stream. */
    static final int SKIP = 1;
    /** Forward the CloseComplete as a ParseComplete. */
    static final int AS_PARSE_COMPLETE = 2;

    private final StatementCache cache;
    private final ServerStatements server;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long parsesSent;
    private long closesSent;
    private long parsesAnswered;
    private long closesAnswered;
    /** Sent counters at each request awaiting its ReadyForQuery: a ring of (parses, closes) pairs. */
    private long[] syncs = new long[32];
    private int syncHead;
    private int syncCount;
    /** An ErrorResponse came since the last ReadyForQuery. */
    private boolean failed;

    ResponseQueue(StatementCache cache, ServerStatements server) {
        this.cache = cache;
        this.server = server;
    }

    // ---- sent (client side) ----

    void parseSent() {
        parsesSent++;
    }

    void closeSent() {
        closesSent++;
    }

    void parseSent(Pending p) {
        p.ordinal = ++parsesSent;
        pending.add(p);
    }

    void closeSent(Pending p) {
        p.ordinal = ++closesSent;
        pending.add(p);
    }

    /** A Sync, Query or FunctionCall was sent: one ReadyForQuery will answer it. */
    void requestSent() {
        if (syncCount * 2 == syncs.length) {
            long[] bigger = new long[syncs.length * 2];
            for (int i = 0; i < syncCount; i++) {
                int from = (syncHead + i * 2) & (syncs.length - 1);
                bigger[i * 2] = syncs[from];
                bigger[i * 2 + 1] = syncs[from + 1];
            }
            syncs = bigger;
            syncHead = 0;
        }
        int at = (syncHead + syncCount * 2) & (syncs.length - 1);
        syncs[at] = parsesSent;
        syncs[at + 1] = closesSent;
        syncCount++;
    }

    // ---- answered (server side) ----

    /** A ParseComplete arrived; returns FORWARD or SKIP. */
    int onParseComplete() {
        parsesAnswered++;
        Pending head = pending.peek();
        if (head == null || !head.kind.parse || head.ordinal != parsesAnswered) {
            return FORWARD;
        }
        pending.poll();
        return head.kind == Pending.Kind.INSERTED_PARSE ? SKIP : FORWARD;
    }

    /** A CloseComplete arrived; returns FORWARD, SKIP or AS_PARSE_COMPLETE. */
    int onCloseComplete() {
        closesAnswered++;
        Pending head = pending.peek();
        if (head == null || head.kind.parse || head.ordinal != closesAnswered) {
            return FORWARD;
        }
        pending.poll();
        if (head.kind == Pending.Kind.EVICTION) {
            cache.release(head.statement);
            return SKIP;
        }
        return AS_PARSE_COMPLETE;
    }

    void onError() {
        failed = true;
    }

    void onReadyForQuery() {
        if (syncCount == 0) {
            failed = false;
            return;
        }
        long parses = syncs[syncHead];
        long closes = syncs[syncHead + 1];
        syncHead = (syncHead + 2) & (syncs.length - 1);
        syncCount--;
        if (!failed) {
            return;
        }
        failed = false;
        parsesAnswered = parses;
        closesAnswered = closes;
        List<Pending> skipped = new ArrayList<>();
        for (Pending p : pending) {
            if (p.ordinal > (p.kind.parse ? parses : closes)) {
                break;
            }
            skipped.add(p);
        }
        for (int i = skipped.size() - 1; i >= 0; i--) {
            pending.poll();
            undo(skipped.get(i));
        }
    }

    /** The server never ran the message: put things back as they were before it was sent. */
    private void undo(Pending p) {
        switch (p.kind) {
            case CLIENT_PARSE -> {
                server.forget(p.statement);
                p.client.forget(p.name, p.statement);
            }
            case INSERTED_PARSE -> server.forget(p.statement);
            case PARSE_AS_CLOSE -> p.client.forget(p.name, p.statement);
            case EVICTION -> server.restore(p.statement);
        }
    }

    /** Entries still waiting for an answer. */
    Iterable<Pending> pending() {
        return pending;
    }

    /** True while some answer still needs an action. */
    boolean hasEntries() {
        return !pending.isEmpty();
    }

    /** The server is gone: drops the entries and the references evictions still hold. */
    void clear() {
        for (Pending p : pending) {
            if (p.kind == Pending.Kind.EVICTION) {
                cache.release(p.statement);
            }
        }
        pending.clear();
        syncCount = 0;
        failed = false;
    }
}
