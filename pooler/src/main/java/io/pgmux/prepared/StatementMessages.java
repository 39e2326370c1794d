package io.pgmux.prepared;

import io.netty.buffer.ByteBuf;
import io.pgmux.protocol.MessageType;
import java.nio.charset.StandardCharsets;

/** Encoders for the frontend messages pgmux writes when it renames, inserts or replaces statement messages. */
final class StatementMessages {
    /** Describe and Close message types. */
    static final byte DESCRIBE = 'D';
    static final byte CLOSE = 'C';
    /** ParseComplete and CloseComplete. */
    static final byte PARSE_COMPLETE = '1';
    static final byte CLOSE_COMPLETE = '3';
    /** Describe/Close target kinds. */
    static final byte KIND_STATEMENT = 'S';

    /**
     * A statement name no server ever has (ids start at 1): closing it is a no-op that the server still answers with
     * CloseComplete, in order.
     */
    private static final byte[] NO_STATEMENT = (Statement.NAME_PREFIX + "0").getBytes(StandardCharsets.US_ASCII);

    private StatementMessages() {
    }

    /** Parse of {@code s} under its server name. */
    static void parse(ByteBuf out, Statement s) {
        byte[] name = s.serverName();
        byte[] rest = s.queryAndTypes();
        out.writeByte(MessageType.PARSE);
        out.writeInt(4 + name.length + 1 + rest.length);
        out.writeBytes(name).writeByte(0).writeBytes(rest);
    }

    /** Close of {@code s}'s server name. */
    static void close(ByteBuf out, Statement s) {
        statementMessage(out, CLOSE, s.serverName());
    }

    /** Close of a statement that does not exist. */
    static void closeNothing(ByteBuf out) {
        statementMessage(out, CLOSE, NO_STATEMENT);
    }

    /** Describe of {@code s}'s server name. */
    static void describe(ByteBuf out, Statement s) {
        statementMessage(out, DESCRIBE, s.serverName());
    }

    private static void statementMessage(ByteBuf out, byte type, byte[] name) {
        out.writeByte(type);
        out.writeInt(4 + 1 + name.length + 1);
        out.writeByte(KIND_STATEMENT).writeBytes(name).writeByte(0);
    }

    /**
     * The start of a Bind of {@code s}: header, portal name and statement name; the rest of the client's Bind body
     * ({@code restLength} bytes: formats, parameters, result formats) follows unchanged.
     */
    static void bindPrefix(ByteBuf out, byte[] portal, int portalLength, Statement s, int restLength) {
        byte[] name = s.serverName();
        out.writeByte(MessageType.BIND);
        out.writeInt(4 + portalLength + 1 + name.length + 1 + restLength);
        out.writeBytes(portal, 0, portalLength).writeByte(0).writeBytes(name).writeByte(0);
    }

    /** A message as the client sent it, from its type, body length and the body bytes gathered so far. */
    static void verbatim(ByteBuf out, byte type, int bodyLength, byte[] body, int gathered) {
        out.writeByte(type);
        out.writeInt(4 + bodyLength);
        out.writeBytes(body, 0, gathered);
    }
}
