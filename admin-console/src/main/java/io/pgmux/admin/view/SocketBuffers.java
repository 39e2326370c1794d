package io.pgmux.admin.view;

/**
 * A connection's I/O buffer positions in bytes, the debug columns of SHOW SOCKETS.
 *
 * @param recvPos end of the bytes received
 * @param pktPos end of the bytes looked at (headers parsed)
 * @param pktRemain bytes of the current message not yet received
 * @param sendPos end of the bytes already sent on
 * @param sendRemain bytes queued for sending (PgBouncer always shows 0)
 * @param pktAvail bytes received and not yet looked at
 * @param sendAvail bytes looked at and not yet sent on
 */
public record SocketBuffers(int recvPos, int pktPos, int pktRemain, int sendPos, int sendRemain, int pktAvail,
        int sendAvail) {
    /** No buffer (none allocated, or all zero). */
    public static final SocketBuffers EMPTY = new SocketBuffers(0, 0, 0, 0, 0, 0, 0);

    /** True when nothing is buffered: everything received was sent on and no message is partly read. */
    public boolean isEmpty() {
        return recvPos == sendPos && pktRemain == 0;
    }
}
