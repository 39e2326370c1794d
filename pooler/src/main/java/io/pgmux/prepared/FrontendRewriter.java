package io.pgmux.prepared;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgmux.protocol.MessageScanner;
import io.pgmux.protocol.MessageType;
import io.pgmux.protocol.ProtocolException;
import io.pgmux.stats.LoopStats;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The client-to-server relay of one client while its link tracks named prepared statements (see PREPARED.md).
 * Bytes still go out as slices of the buffers read; the client's scanner asks {@link #onHeader} about each Parse,
 * Bind, Describe and Close, which passes the unnamed ones at the cost of a look at their first body bytes and stops
 * the scan before the others. Their body (for a Bind only the portal and statement names) is gathered, across reads
 * if need be, and the message is renamed, replaced or preceded by a Parse the server lacks. Confined to the
 * client's event loop.
 */
public final class FrontendRewriter {
    /** Bodies gathered beyond this size do not keep their array afterwards. */
    private static final int KEPT_BODY_SIZE = 1 << 16;
    private static final byte[] NO_BODY = new byte[0];

    private final StatementCache cache;
    private final MessageScanner scanner;
    /** The client's pool's statistics on this loop: client and server parses, binds. */
    private final LoopStats counters;
    private final ClientStatements names;
    private final HeldHeader held = new HeldHeader();

    /** The current link's server side; null when the link does not track. */
    private ServerStatements statements;
    private ResponseQueue queue;
    private Channel server;
    private int limit;

    /** The buffer being scanned, for {@link #onHeader}'s look at body bytes. */
    private ByteBuf scanned;
    /** The scan stopped before a message of ours: its type, body length and where its body starts. */
    private boolean stopped;
    private byte type;
    private int bodyLength;
    private int bodyStart;
    /** Gathering that message's body (a Bind's up to its second NUL) into {@link #body}. */
    private boolean gathering;
    /** Allocated at the first message gathered: most clients of a busy pool never send one. */
    private byte[] body = NO_BODY;
    private int gathered;
    private int nuls;
    /** Bytes of a renamed Bind's body still to forward as they are. */
    private long passRemaining;
    /** Where the read being relayed began: a slice of all of it goes out as the buffer itself. */
    private int readStart;

    /**
     * @param scanner the client's scanner, whose listener hands Parse, Bind, Describe and Close headers to
     *                {@link #onHeader} while {@link #tracking()}
     */
    public FrontendRewriter(StatementCache cache, MessageScanner scanner, LoopStats counters) {
        this.cache = cache;
        this.scanner = scanner;
        this.counters = counters;
        this.names = new ClientStatements(cache);
    }

    /**
     * The client is linked to a server: track on it when {@code limit} (max_prepared_statements) is above 0. Replaces
     * the previous link, which was released with nothing in flight.
     */
    public void link(ResponseRelay serverRelay, Channel serverChannel, int limit) {
        if (limit <= 0) {
            statements = null;
            queue = null;
            server = null;
            return;
        }
        statements = serverRelay.statements();
        queue = serverRelay.queue();
        server = serverChannel;
        this.limit = limit;
        serverRelay.link(names);
    }

    /** True while the current link tracks statements: the relay must go through {@link #relay}. */
    public boolean tracking() {
        return queue != null;
    }

    /** True when no message of ours is half gathered or half forwarded. */
    public boolean atMessageBoundary() {
        return !gathering && passRemaining == 0;
    }

    /** How many statements the client has prepared (SHOW CLIENTS prepared_statements). */
    public int count() {
        return names.count();
    }

    /** The client left. */
    public void release() {
        names.clear();
    }

    /** A Sync, Query or FunctionCall goes to the server. */
    public void requestSent() {
        queue.requestSent();
    }

    /**
     * The scanner is at the header of a Parse, Bind, Describe or Close: PASS for the unnamed statement and for
     * portals when their first body bytes are in this read, else STOP so that {@link #relay} takes the message.
     */
    public int onHeader(byte messageType, int length) {
        int at = scanner.bodyIndex();
        switch (messageType) {
            case MessageType.PARSE -> {
                if (peek(at, length, 0) == 0) {
                    queue.parseSent();
                    return MessageScanner.PASS;
                }
            }
            case MessageType.BIND -> {
                if (peek(at, length, 0) == 0 && peek(at, length, 1) == 0) {
                    return MessageScanner.PASS;
                }
            }
            default -> {
                int kind = peek(at, length, 0);
                if (kind == 'P' || kind == StatementMessages.KIND_STATEMENT && peek(at, length, 1) == 0) {
                    if (messageType == StatementMessages.CLOSE) {
                        queue.closeSent();
                    }
                    return MessageScanner.PASS;
                }
            }
        }
        stopped = true;
        type = messageType;
        bodyLength = length;
        bodyStart = at;
        return MessageScanner.STOP;
    }

    private int peek(int at, int length, int i) {
        return i < length && at + i < scanned.writerIndex() ? scanned.getByte(at + i) : -1;
    }

    /**
     * Relays one read of client bytes to the server, rewriting what needs it; releases {@code buf}.
     *
     * @return true when the scan stopped at a Terminate or a message type not allowed after login: everything before
     *         it was written, and the caller ends the session
     * @throws ProtocolException with PgBouncer's text for a bad message or a statement name the client cannot use
     */
    public boolean relay(ByteBuf buf) {
        try {
            int end = buf.writerIndex();
            readStart = buf.readerIndex();
            int pos = finishMessage(buf, readStart, end);
            while (pos < end) {
                buf.readerIndex(pos);
                scanned = buf;
                int stop = scanner.scan(buf);
                scanned = null;
                int heldLength = held.length();
                if (heldLength > 0) {
                    if (stop == pos) {
                        held.drop(); // the header it began belongs to the message the scan stopped at
                    } else if (stop >= 0 || scanner.partialHeaderLength() != heldLength + end - pos) {
                        write(held.take(server.alloc())); // that message passed
                    }
                }
                if (stop < 0) {
                    int tail = Math.min(scanner.partialHeaderLength() - held.length(), end - pos);
                    writeSlice(buf, pos, end - tail);
                    if (tail > 0) {
                        held.append(buf, end - tail, tail);
                    }
                    return false;
                }
                writeSlice(buf, pos, stop);
                if (!stopped) {
                    return true;
                }
                stopped = false;
                gathering = true;
                gathered = 0;
                nuls = 0;
                pos = finishMessage(buf, bodyStart, end);
            }
            return false;
        } finally {
            scanned = null;
            buf.release();
        }
    }

    /** Goes on with a stopped message: gathers its body, handles it once complete, forwards a Bind's rest. */
    private int finishMessage(ByteBuf buf, int pos, int end) {
        if (gathering) {
            pos = gather(buf, pos, end);
            if (gathering) {
                return end;
            }
            handle();
        }
        if (passRemaining > 0) {
            int n = (int) Math.min(passRemaining, end - pos);
            writeSlice(buf, pos, pos + n);
            passRemaining -= n;
            pos += n;
        }
        return pos;
    }

    private int gather(ByteBuf buf, int pos, int end) {
        while (pos < end && gathered < bodyLength && (type != MessageType.BIND || nuls < 2)) {
            int limitIndex = (int) Math.min(end, (long) pos + bodyLength - gathered);
            int to = limitIndex;
            if (type == MessageType.BIND) {
                int nul = buf.indexOf(pos, limitIndex, (byte) 0);
                if (nul >= 0) {
                    to = nul + 1;
                    nuls++;
                }
            }
            int n = to - pos;
            if (gathered + n > body.length) {
                body = Arrays.copyOf(body, Math.max(gathered + n, Math.min(Math.max(256, body.length * 2),
                        bodyLength)));
            }
            buf.getBytes(pos, body, gathered, n);
            gathered += n;
            pos = to;
        }
        gathering = gathered < bodyLength && (type != MessageType.BIND || nuls < 2);
        return pos;
    }

    private void handle() {
        switch (type) {
            case MessageType.PARSE -> handleParse();
            case MessageType.BIND -> handleBind();
            case StatementMessages.DESCRIBE -> handleDescribe();
            default -> handleClose();
        }
        if (body.length > KEPT_BODY_SIZE) {
            body = NO_BODY;
        }
    }

    private void handleParse() {
        int nameEnd = nul(0);
        int queryEnd = nameEnd < 0 ? -1 : nul(nameEnd + 1);
        if (queryEnd < 0 || queryEnd + 3 > gathered) {
            throw new ProtocolException("broken Parse packet");
        }
        int typesEnd = queryEnd + 3 + 4 * (((body[queryEnd + 1] & 0xFF) << 8) | (body[queryEnd + 2] & 0xFF));
        if (typesEnd > gathered) {
            throw new ProtocolException("broken Parse packet");
        }
        if (nameEnd == 0) {
            writeVerbatim();
            queue.parseSent();
            return;
        }
        String name = name(0, nameEnd);
        if (names.contains(name)) {
            throw new ProtocolException("prepared statement name is already in use");
        }
        Statement s = cache.acquire(Arrays.copyOfRange(body, nameEnd + 1, typesEnd));
        names.put(name, s);
        counters.clientParse();
        ByteBuf out = server.alloc().buffer(64 + s.queryAndTypes().length);
        if (statements.touch(s)) {
            // The server has it: a Close of nothing keeps the client's ParseComplete in its place (PREPARED.md).
            StatementMessages.closeNothing(out);
            queue.closeSent(new Pending(Pending.Kind.PARSE_AS_CLOSE, s, names, name));
        } else {
            StatementMessages.parse(out, s);
            queue.parseSent(new Pending(Pending.Kind.CLIENT_PARSE, s, names, name));
            prepared(s, out);
        }
        write(out);
    }

    private void handleBind() {
        if (nuls < 2) {
            throw new ProtocolException("broken Bind packet");
        }
        int portalEnd = nul(0);
        int nameEnd = gathered - 1;
        passRemaining = bodyLength - gathered;
        if (nameEnd == portalEnd + 1) {
            writeVerbatim();
            return;
        }
        Statement s = lookup(portalEnd + 1, nameEnd);
        ByteBuf out = server.alloc().buffer(64 + portalEnd);
        ensurePrepared(s, out);
        StatementMessages.bindPrefix(out, body, portalEnd, s, bodyLength - gathered);
        write(out);
        counters.bind();
    }

    private void handleDescribe() {
        int nameEnd = gathered < 2 ? -1 : nul(1);
        if (nameEnd < 0) {
            throw new ProtocolException("broken Describe packet");
        }
        if (body[0] != StatementMessages.KIND_STATEMENT || nameEnd == 1) {
            writeVerbatim();
            return;
        }
        Statement s = lookup(1, nameEnd);
        ByteBuf out = server.alloc().buffer(64);
        ensurePrepared(s, out);
        StatementMessages.describe(out, s);
        write(out);
    }

    private void handleClose() {
        int nameEnd = gathered < 2 ? -1 : nul(1);
        if (nameEnd < 0) {
            throw new ProtocolException("broken Close packet");
        }
        queue.closeSent();
        if (body[0] != StatementMessages.KIND_STATEMENT || nameEnd == 1) {
            writeVerbatim();
            return;
        }
        // The server's statement may serve other clients: it stays; the client's CloseComplete comes from a no-op.
        names.remove(name(1, nameEnd));
        ByteBuf out = server.alloc().buffer(24);
        StatementMessages.closeNothing(out);
        write(out);
    }

    private Statement lookup(int from, int to) {
        Statement s = names.get(name(from, to));
        if (s == null) {
            throw new ProtocolException("prepared statement did not exist");
        }
        return s;
    }

    /** Writes a Parse of {@code s} to {@code out} unless the server has it already. */
    private void ensurePrepared(Statement s, ByteBuf out) {
        if (statements.touch(s)) {
            return;
        }
        StatementMessages.parse(out, s);
        queue.parseSent(new Pending(Pending.Kind.INSERTED_PARSE, s, null, null));
        prepared(s, out);
    }

    /** {@code s} is being prepared on the server: record it there and close what the LRU evicts. */
    private void prepared(Statement s, ByteBuf out) {
        statements.add(s);
        counters.serverParse();
        while (statements.size() > limit) {
            Statement evicted = statements.evictEldest();
            StatementMessages.close(out, evicted);
            queue.closeSent(new Pending(Pending.Kind.EVICTION, evicted, null, null));
        }
    }

    private int nul(int from) {
        for (int i = from; i < gathered; i++) {
            if (body[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private String name(int from, int to) {
        return new String(body, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** The message as the client sent it (what was gathered of it; a Bind's rest follows as slices). */
    private void writeVerbatim() {
        ByteBuf out = server.alloc().buffer(5 + gathered);
        StatementMessages.verbatim(out, type, bodyLength, body, gathered);
        write(out);
    }

    private void write(ByteBuf out) {
        server.write(out, server.voidPromise());
    }

    private void writeSlice(ByteBuf buf, int from, int to) {
        if (from == readStart && to == buf.writerIndex()) {
            buf.readerIndex(from);
            write(buf.retain());
        } else if (to > from) {
            write(buf.retainedSlice(from, to - from));
        }
    }
}
