package io.pgmux.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL client on a plain socket for tests that send what no driver would: it writes raw bytes and reads
 * whole backend messages. Every read has a timeout, so a test that waits for a reply that never comes fails instead
 * of hanging.
 */
public final class RawPgClient implements AutoCloseable {
    /** How long one read may block. */
    public static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final int PROTOCOL_3_0 = 196608;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPgClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port. */
    public static RawPgClient connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
            return new RawPgClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * A client on a socket that is already connected, such as a TLS socket after its handshake; it gets the same
     * read timeout, and closing the client closes it.
     */
    public static RawPgClient over(Socket socket) throws IOException {
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return new RawPgClient(socket);
    }

    /** The socket under this client (a TLS test upgrades it after SSLRequest). */
    public Socket socket() {
        return socket;
    }

    /** A backend message: its type byte and its body (the bytes after the length). */
    public record Message(char type, byte[] body) {
        /** The body as an int32 at the given offset (Authentication codes, BackendKeyData). */
        public int intAt(int offset) {
            return ByteBuffer.wrap(body).getInt(offset);
        }

        @Override
        public String toString() {
            return "Message[" + type + ", " + body.length + " bytes]";
        }
    }

    /** The S, C and M fields of an ErrorResponse. */
    public record ErrorResponse(String severity, String sqlState, String message) {
        /** Reads the fields of an ErrorResponse or NoticeResponse body. */
        public static ErrorResponse parse(byte[] body) {
            String severity = null;
            String sqlState = null;
            String message = null;
            int pos = 0;
            while (pos < body.length && body[pos] != 0) {
                byte code = body[pos++];
                int nul = pos;
                while (nul < body.length && body[nul] != 0) {
                    nul++;
                }
                String value = new String(body, pos, nul - pos, StandardCharsets.UTF_8);
                pos = nul + 1;
                switch (code) {
                    case 'S' -> severity = value;
                    case 'C' -> sqlState = value;
                    case 'M' -> message = value;
                    default -> {
                    }
                }
            }
            return new ErrorResponse(severity, sqlState, message);
        }
    }

    // ---- sending ----

    /** Writes the bytes in one write call (one TCP segment on loopback for small writes). */
    public RawPgClient send(byte[]... parts) throws IOException {
        out.write(concat(parts));
        out.flush();
        return this;
    }

    // ---- receiving ----

    /** Reads one byte (the answer to an SSLRequest). */
    public int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** Reads one whole backend message. */
    public Message readMessage() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed");
        }
        int length = in.readInt();
        if (length < 4 || length > 1 << 24) {
            throw new IOException("bad length from server: " + length);
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message((char) type, body);
    }

    /** Reads the next message, which must be an ErrorResponse, and returns its fields. */
    public ErrorResponse readError() throws IOException {
        Message m = readMessage();
        if (m.type() != 'E') {
            throw new IOException("expected ErrorResponse, got " + m + " " + describe(m));
        }
        return ErrorResponse.parse(m.body());
    }

    /** Reads messages up to and including ReadyForQuery; fails on an ErrorResponse that is FATAL. */
    public List<Message> readUntilReady() throws IOException {
        List<Message> messages = new ArrayList<>();
        while (true) {
            Message m = readMessage();
            messages.add(m);
            if (m.type() == 'Z') {
                return messages;
            }
            if (m.type() == 'E' && "FATAL".equals(ErrorResponse.parse(m.body()).severity())) {
                throw new IOException("FATAL error: " + ErrorResponse.parse(m.body()));
            }
        }
    }

    /**
     * True when the peer has closed the connection: a read sees end of stream (or a reset) before any more data.
     * False when data arrives instead. A read that times out fails the test.
     */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            throw new IOException("the connection stayed open for " + READ_TIMEOUT_MILLIS + " ms", e);
        } catch (SocketException e) {
            return true;
        }
    }

    /**
     * Logs in where no password is asked (auth_type trust): StartupMessage, AuthenticationOk, then everything up to
     * ReadyForQuery, which is returned.
     */
    public List<Message> login(String user, String database) throws IOException {
        send(startupMessage(Map.of("user", user, "database", database)));
        Message auth = readMessage();
        if (auth.type() != 'R' || auth.intAt(0) != 0) {
            throw new IOException("expected AuthenticationOk, got " + auth + " " + describe(auth));
        }
        return readUntilReady();
    }

    /** Runs a simple query and returns the first column of the first row, after ReadyForQuery. */
    public String queryValue(String sql) throws IOException {
        send(query(sql));
        String value = null;
        for (Message m : readUntilReady()) {
            if (m.type() == 'E') {
                throw new IOException("query failed: " + ErrorResponse.parse(m.body()));
            }
            if (m.type() == 'D' && value == null) {
                ByteBuffer row = ByteBuffer.wrap(m.body());
                row.getShort();
                int len = row.getInt();
                value = len < 0 ? null : new String(m.body(), row.position(), len, StandardCharsets.UTF_8);
            }
        }
        return value;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String describe(Message m) {
        return m.type() == 'E' || m.type() == 'N' ? ErrorResponse.parse(m.body()).toString() : "";
    }

    // ---- frontend messages ----

    /** StartupMessage for protocol 3.0 with the parameters in the order given. */
    public static byte[] startupMessage(Map<String, String> parameters) {
        return startupMessage(PROTOCOL_3_0, parameters);
    }

    /** A startup packet with any protocol code. */
    public static byte[] startupMessage(int protocol, Map<String, String> parameters) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeInt(body, protocol);
        for (Map.Entry<String, String> p : new LinkedHashMap<>(parameters).entrySet()) {
            writeCString(body, p.getKey());
            writeCString(body, p.getValue());
        }
        body.write(0);
        return withLength(body.toByteArray());
    }

    public static byte[] sslRequest() {
        return ints(8, 80877103);
    }

    public static byte[] gssEncRequest() {
        return ints(8, 80877104);
    }

    public static byte[] cancelRequest(int processId, int secretKey) {
        return ints(16, 80877102, processId, secretKey);
    }

    /** Query with its text. */
    public static byte[] query(String sql) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeCString(body, sql);
        return message('Q', body.toByteArray());
    }

    /** PasswordMessage with a cleartext password. */
    public static byte[] passwordMessage(String password) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeCString(body, password);
        return message('p', body.toByteArray());
    }

    /** A typed message with a correct length. */
    public static byte[] message(char type, byte[] body) {
        byte[] m = new byte[5 + body.length];
        m[0] = (byte) type;
        ByteBuffer.wrap(m, 1, 4).putInt(4 + body.length);
        System.arraycopy(body, 0, m, 5, body.length);
        return m;
    }

    /** Big-endian int32 values. */
    public static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    private static byte[] withLength(byte[] body) {
        return concat(ints(4 + body.length), body);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.writeBytes(ints(v));
    }

    private static void writeCString(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
