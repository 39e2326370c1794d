package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;

/**
 * Encoders for the messages pgmux itself writes: to clients as a server would (authentication, parameter status,
 * errors) and to servers as a client would (startup, passwords, queries). The relay never uses these.
 */
public final class PgMessages {
    private PgMessages() {
    }

    /** Starts a typed message and returns the index of its length field, patched by {@link #finish}. */
    private static int begin(ByteBuf out, byte type) {
        out.writeByte(type);
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        return lengthIndex;
    }

    private static void finish(ByteBuf out, int lengthIndex) {
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex);
    }

    private static void writeCString(ByteBuf out, String s) {
        ByteBufUtil.writeUtf8(out, s);
        out.writeByte(0);
    }

    // ---- backend messages, written to clients ----

    /** ErrorResponse with severity (FATAL or ERROR), SQLSTATE and message, as PgBouncer sends its own errors. */
    public static void errorResponse(ByteBuf out, String severity, String sqlState, String message) {
        int len = begin(out, MessageType.ERROR_RESPONSE);
        out.writeByte('S');
        writeCString(out, severity);
        out.writeByte('V');
        writeCString(out, severity);
        out.writeByte('C');
        writeCString(out, sqlState);
        out.writeByte('M');
        writeCString(out, message);
        out.writeByte(0);
        finish(out, len);
    }

    /** NoticeResponse with one message. */
    public static void noticeResponse(ByteBuf out, String message) {
        noticeResponse(out, message, null);
    }

    /** NoticeResponse with a message and a detail (none when null). */
    public static void noticeResponse(ByteBuf out, String message, String detail) {
        int len = begin(out, MessageType.NOTICE_RESPONSE);
        out.writeByte('S');
        writeCString(out, "NOTICE");
        out.writeByte('V');
        writeCString(out, "NOTICE");
        out.writeByte('C');
        writeCString(out, "00000");
        out.writeByte('M');
        writeCString(out, message);
        if (detail != null) {
            out.writeByte('D');
            writeCString(out, detail);
        }
        out.writeByte(0);
        finish(out, len);
    }

    /** Authentication request with no payload: Ok (0) or CleartextPassword (3). */
    public static void authentication(ByteBuf out, int code) {
        int len = begin(out, MessageType.AUTHENTICATION);
        out.writeInt(code);
        finish(out, len);
    }

    /** AuthenticationMD5Password with its 4-byte salt. */
    public static void authenticationMd5(ByteBuf out, byte[] salt) {
        int len = begin(out, MessageType.AUTHENTICATION);
        out.writeInt(MessageType.AUTH_MD5);
        out.writeBytes(salt);
        finish(out, len);
    }

    /** AuthenticationSASL offering the given mechanisms. */
    public static void authenticationSasl(ByteBuf out, List<String> mechanisms) {
        int len = begin(out, MessageType.AUTHENTICATION);
        out.writeInt(MessageType.AUTH_SASL);
        for (String m : mechanisms) {
            writeCString(out, m);
        }
        out.writeByte(0);
        finish(out, len);
    }

    /** AuthenticationSASLContinue (11) or AuthenticationSASLFinal (12) with SASL data. */
    public static void authenticationSaslData(ByteBuf out, int code, byte[] data) {
        int len = begin(out, MessageType.AUTHENTICATION);
        out.writeInt(code);
        out.writeBytes(data);
        finish(out, len);
    }

    /** ParameterStatus. */
    public static void parameterStatus(ByteBuf out, String name, String value) {
        int len = begin(out, MessageType.PARAMETER_STATUS);
        writeCString(out, name);
        writeCString(out, value);
        finish(out, len);
    }

    /** BackendKeyData: the key a client uses to cancel its queries. */
    public static void backendKeyData(ByteBuf out, int processId, int secretKey) {
        int len = begin(out, MessageType.BACKEND_KEY_DATA);
        out.writeInt(processId);
        out.writeInt(secretKey);
        finish(out, len);
    }

    /** ReadyForQuery with a transaction status byte. */
    public static void readyForQuery(ByteBuf out, byte status) {
        int len = begin(out, MessageType.READY_FOR_QUERY);
        out.writeByte(status);
        finish(out, len);
    }

    /** RowDescription for text-format columns: name, type OID and type size of each. */
    public static void rowDescription(ByteBuf out, List<String> names, int[] typeOids, int[] typeSizes) {
        int len = begin(out, MessageType.ROW_DESCRIPTION);
        out.writeShort(names.size());
        for (int i = 0; i < names.size(); i++) {
            writeCString(out, names.get(i));
            out.writeInt(0);
            out.writeShort(0);
            out.writeInt(typeOids[i]);
            out.writeShort(typeSizes[i]);
            out.writeInt(-1);
            out.writeShort(0);
        }
        finish(out, len);
    }

    /** DataRow of text cells; a null cell is SQL NULL. */
    public static void dataRow(ByteBuf out, List<String> cells) {
        int len = begin(out, MessageType.DATA_ROW);
        out.writeShort(cells.size());
        for (String cell : cells) {
            if (cell == null) {
                out.writeInt(-1);
            } else {
                int lengthIndex = out.writerIndex();
                out.writeInt(0);
                int written = ByteBufUtil.writeUtf8(out, cell);
                out.setInt(lengthIndex, written);
            }
        }
        finish(out, len);
    }

    /** CommandComplete with a command tag. */
    public static void commandComplete(ByteBuf out, String tag) {
        int len = begin(out, MessageType.COMMAND_COMPLETE);
        writeCString(out, tag);
        finish(out, len);
    }

    /** NegotiateProtocolVersion: the newest minor version supported and the options not recognized. */
    public static void negotiateProtocolVersion(ByteBuf out, int newestMinor, List<String> unrecognized) {
        int len = begin(out, MessageType.NEGOTIATE_PROTOCOL_VERSION);
        out.writeInt(newestMinor);
        out.writeInt(unrecognized.size());
        for (String option : unrecognized) {
            writeCString(out, option);
        }
        finish(out, len);
    }

    /** A complete FATAL error as a new buffer, for connections that are closed right after it. */
    public static ByteBuf fatal(ByteBufAllocator alloc, String sqlState, String message) {
        ByteBuf out = alloc.buffer(32 + message.length() * 3);
        errorResponse(out, "FATAL", sqlState, message);
        return out;
    }

    // ---- frontend messages, written to servers ----

    /** StartupMessage for protocol 3.0 with the given parameters. */
    public static void startupMessage(ByteBuf out, Map<String, String> parameters) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        out.writeInt(MessageType.PROTOCOL_3_0);
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            writeCString(out, p.getKey());
            writeCString(out, p.getValue());
        }
        out.writeByte(0);
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex);
    }

    /** PasswordMessage carrying a cleartext or md5-hashed password. */
    public static void passwordMessage(ByteBuf out, String password) {
        int len = begin(out, MessageType.PASSWORD);
        writeCString(out, password);
        finish(out, len);
    }

    /** SASLInitialResponse: mechanism name and the client-first-message. */
    public static void saslInitialResponse(ByteBuf out, String mechanism, byte[] data) {
        int len = begin(out, MessageType.PASSWORD);
        writeCString(out, mechanism);
        out.writeInt(data.length);
        out.writeBytes(data);
        finish(out, len);
    }

    /** SASLResponse: the client-final-message. */
    public static void saslResponse(ByteBuf out, byte[] data) {
        int len = begin(out, MessageType.PASSWORD);
        out.writeBytes(data);
        finish(out, len);
    }

    /** Query (simple protocol). */
    public static void query(ByteBuf out, String sql) {
        int len = begin(out, MessageType.QUERY);
        writeCString(out, sql);
        finish(out, len);
    }

    /**
     * One extended-protocol round with text parameters: Parse and Bind of the unnamed statement and portal,
     * Execute, Sync. Parameters travel apart from the SQL, so they can never change what it means.
     */
    public static void extendedQuery(ByteBuf out, String sql, List<String> parameters) {
        int len = begin(out, MessageType.PARSE);
        writeCString(out, "");
        writeCString(out, sql);
        out.writeShort(0);
        finish(out, len);
        len = begin(out, MessageType.BIND);
        writeCString(out, "");
        writeCString(out, "");
        out.writeShort(0);
        out.writeShort(parameters.size());
        for (String p : parameters) {
            if (p == null) {
                out.writeInt(-1);
            } else {
                int at = out.writerIndex();
                out.writeInt(0);
                int n = ByteBufUtil.writeUtf8(out, p);
                out.setInt(at, n);
            }
        }
        out.writeShort(0);
        finish(out, len);
        len = begin(out, MessageType.EXECUTE);
        writeCString(out, "");
        out.writeInt(0);
        finish(out, len);
        len = begin(out, MessageType.SYNC);
        finish(out, len);
    }

    /** Terminate. */
    public static void terminate(ByteBuf out) {
        int len = begin(out, MessageType.TERMINATE);
        finish(out, len);
    }

    /** CancelRequest for a server backend. */
    public static ByteBuf cancelRequest(int processId, int secretKey) {
        ByteBuf out = Unpooled.buffer(16);
        out.writeInt(16);
        out.writeInt(MessageType.CANCEL_REQUEST_CODE);
        out.writeInt(processId);
        out.writeInt(secretKey);
        return out;
    }
}
