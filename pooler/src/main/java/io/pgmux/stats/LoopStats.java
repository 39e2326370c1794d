package io.pgmux.stats;

import io.pgmux.admin.view.StatCounters;

/**
 * One pool's statistics on one event loop: PgBouncer's PgStats counters and the latency histograms. Written and read
 * only on that loop's thread, so the fields are plain; other threads get copies through a task on the loop.
 *
 * <p>What counts when, as in PgBouncer 1.25: a query at the client's first request while none is in flight, and a
 * transaction with it when none is open; their times when the last request in flight is answered (a transaction's
 * when that ReadyForQuery says idle); an assignment each time a client is linked to a server, with how long it
 * waited; bytes as they are relayed (received from clients, read from servers).
 */
public final class LoopStats {
    private long serverAssignmentCount;
    private long xactCount;
    private long queryCount;
    private long clientBytes;
    private long serverBytes;
    private long xactTime;
    private long queryTime;
    private long waitTime;
    private long clientParseCount;
    private long serverParseCount;
    private long bindCount;
    /** Every recorded time since start; readers take copies and subtract earlier copies for a period. */
    private final LatencyHistograms histograms = new LatencyHistograms();

    /** A query begins; {@code newTransaction} when no transaction was open. */
    public void queryStarted(boolean newTransaction) {
        queryCount++;
        if (newTransaction) {
            xactCount++;
        }
    }

    public void queryDone(long nanos) {
        long micros = nanos / 1000;
        queryTime += micros;
        histograms.recordQuery(micros);
    }

    public void transactionDone(long nanos) {
        long micros = nanos / 1000;
        xactTime += micros;
        histograms.recordXact(micros);
    }

    /** A client got a server after waiting {@code waitedNanos} (0 when one was free). */
    public void assigned(long waitedNanos) {
        long micros = waitedNanos / 1000;
        serverAssignmentCount++;
        waitTime += micros;
        histograms.recordWait(micros);
    }

    /** Bytes received from a client and sent on to its server. */
    public void clientBytes(long n) {
        clientBytes += n;
    }

    /** Bytes read from a server. */
    public void serverBytes(long n) {
        serverBytes += n;
    }

    /** A client's Parse of a named prepared statement (counted by the prepared-statement support). */
    public void clientParse() {
        clientParseCount++;
    }

    /** A Parse pgmux sent to a server for a client's prepared statement. */
    public void serverParse() {
        serverParseCount++;
    }

    /** A Bind of a client's prepared statement. */
    public void bind() {
        bindCount++;
    }

    /** A copy of the counters. */
    public StatCounters counters() {
        return new StatCounters(serverAssignmentCount, xactCount, queryCount, clientBytes, serverBytes, xactTime,
                queryTime, waitTime, clientParseCount, serverParseCount, bindCount);
    }

    /** A copy of the histograms. */
    public LatencyHistograms histograms() {
        return histograms.copy();
    }
}
