package io.pgmux.prepared;

import io.netty.buffer.ByteBuf;
import io.pgmux.protocol.MessageScanner;
import io.pgmux.protocol.MessageType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * One server's prepared statements and, while a tracking client is linked, the server-to-client relay that applies
 * the {@link ResponseQueue}: it cuts out the answers to messages pgmux inserted and retypes the no-op Close that
 * stands for a client's Parse. The server's scanner asks {@link #onHeader} about each message. Touched by the loop
 * running the server's data path (see {@link ServerStatements}).
 */
public final class ResponseRelay {
    private static final byte[] DEALLOCATE_ALL = "DEALLOCATE ALL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DISCARD_ALL = "DISCARD ALL".getBytes(StandardCharsets.US_ASCII);

    private final MessageScanner scanner;
    private final ServerStatements statements;
    private final ResponseQueue queue;
    private final HeldHeader held = new HeldHeader();
    /** The linked client's names, while a tracking client is linked. */
    private ClientStatements client;
    private boolean released;

    /** The buffer being scanned and where the scan began, for retyping a message in it. */
    private ByteBuf scanned;
    private int scanStart;
    /** Where the message the scan stopped at (to cut it) ends. */
    private int cutEnd;

    /** @param scanner the server's scanner, whose listener calls {@link #onHeader} first */
    public ResponseRelay(StatementCache cache, MessageScanner scanner) {
        this.scanner = scanner;
        this.statements = new ServerStatements(cache);
        this.queue = new ResponseQueue(cache, statements);
    }

    ServerStatements statements() {
        return statements;
    }

    ResponseQueue queue() {
        return queue;
    }

    void link(ClientStatements linkedClient) {
        client = linkedClient;
    }

    /** The client let the server go; nothing is in flight. */
    public void unlink() {
        client = null;
    }

    /**
     * True when the server's next read must go through {@link #relay}: a tracking client is linked and an answer may
     * have to be cut or retyped (or a header was held back). Otherwise the plain relay forwards it as it was read,
     * the scanner still calling {@link #onHeader} to count the answers.
     */
    public boolean editing() {
        return client != null && (queue.hasEntries() || held.length() > 0);
    }

    /** How many statements are prepared on the server (SHOW SERVERS prepared_statements); any thread. */
    public int count() {
        return statements.count();
    }

    /**
     * A message header from the server.
     *
     * @param relaying the message is for the linked client (not an answer to pgmux's own query)
     * @return PASS, CAPTURE (a CommandComplete that may be DEALLOCATE ALL or DISCARD ALL) or STOP (cut it out)
     */
    public int onHeader(byte type, int bodyLength, boolean relaying) {
        boolean tracked = relaying && client != null;
        switch (type) {
            case StatementMessages.PARSE_COMPLETE -> {
                if (tracked) {
                    return act(queue.onParseComplete());
                }
            }
            case StatementMessages.CLOSE_COMPLETE -> {
                if (tracked) {
                    return act(queue.onCloseComplete());
                }
            }
            case MessageType.ERROR_RESPONSE -> {
                if (tracked) {
                    queue.onError();
                }
            }
            case MessageType.COMMAND_COMPLETE -> {
                if (bodyLength == DEALLOCATE_ALL.length + 1 || bodyLength == DISCARD_ALL.length + 1) {
                    return MessageScanner.CAPTURE;
                }
            }
            default -> {
            }
        }
        return MessageScanner.PASS;
    }

    private int act(int action) {
        if (action == ResponseQueue.SKIP) {
            cutEnd = scanner.bodyIndex();
            return MessageScanner.STOP;
        }
        if (action == ResponseQueue.AS_PARSE_COMPLETE) {
            int typeIndex = scanner.bodyIndex() - 5;
            if (typeIndex >= scanStart) {
                scanned.setByte(typeIndex, StatementMessages.PARSE_COMPLETE);
            } else {
                held.retype(StatementMessages.PARSE_COMPLETE);
            }
        }
        return MessageScanner.PASS;
    }

    /** A ReadyForQuery for the linked client. */
    public void onReadyForQuery() {
        if (client != null) {
            queue.onReadyForQuery();
        }
    }

    /**
     * A captured CommandComplete: after DEALLOCATE ALL or DISCARD ALL the server has no statement left, and the
     * client that sent it (when {@code relaying}) none either, except those whose Parse is still in the queue,
     * which were sent after the command.
     */
    public void onCommandComplete(byte[] body, int length, boolean relaying) {
        if (!isTag(body, length, DEALLOCATE_ALL) && !isTag(body, length, DISCARD_ALL)) {
            return;
        }
        Set<Statement> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Pending p : queue.pending()) {
            if (p.kind.parse) {
                keep.add(p.statement);
            }
        }
        statements.retainOnly(keep);
        if (relaying && client != null) {
            client.retainOnly(queue.pending());
        }
    }

    private static boolean isTag(byte[] body, int length, byte[] tag) {
        return length == tag.length + 1 && body[tag.length] == 0 && Arrays.equals(body, 0, tag.length, tag, 0,
                tag.length);
    }

    /**
     * Relays one read of server bytes to the linked client, cutting out and retyping what the queue says; releases
     * {@code buf}.
     */
    public void relay(ByteBuf buf, ResponseSink owner) {
        try {
            int pos = buf.readerIndex();
            int end = buf.writerIndex();
            int readStart = pos;
            while (pos < end) {
                buf.readerIndex(pos);
                scanned = buf;
                scanStart = pos;
                int stop = scanner.scan(buf);
                int heldLength = held.length();
                if (heldLength > 0) {
                    if (stop == pos) {
                        held.drop(); // the header it began belongs to the message cut here
                    } else if (stop >= 0 || scanner.partialHeaderLength() != heldLength + end - pos) {
                        owner.writeFromServer(held.take(buf.alloc()));
                    }
                }
                if (stop < 0) {
                    int tail = Math.min(scanner.partialHeaderLength() - held.length(), end - pos);
                    if (pos == readStart && tail == 0) {
                        owner.writeFromServer(buf.readerIndex(pos).retain());
                    } else {
                        writeSlice(owner, buf, pos, end - tail);
                    }
                    if (tail > 0) {
                        held.append(buf, end - tail, tail);
                    }
                    return;
                }
                writeSlice(owner, buf, pos, stop);
                pos = cutEnd;
            }
        } finally {
            scanned = null;
            buf.release();
        }
    }

    private static void writeSlice(ResponseSink owner, ByteBuf buf, int from, int to) {
        if (to > from) {
            owner.writeFromServer(buf.retainedSlice(from, to - from));
        }
    }

    /** The server is gone: its statements and what was in flight are let go. Runs once. */
    public void release() {
        if (released) {
            return;
        }
        released = true;
        client = null;
        queue.clear();
        statements.clear();
    }
}
