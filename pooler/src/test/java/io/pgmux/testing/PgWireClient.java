package io.pgmux.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A small PostgreSQL wire-protocol client on a blocking socket (TCP or Unix), written from the protocol docs and
 * independent of pgmux's code. Tests use it where a real driver hides what they must control or see: the cancel key,
 * reads paced by the test, the Unix socket, raw COPY. Logs in with SCRAM-SHA-256, as the test pgmux asks, or a
 * cleartext password.
 */
public final class PgWireClient implements AutoCloseable {
    private final SocketChannel channel;
    private final DataInputStream in;
    private final OutputStream out;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private int processId;
    private int secretKey;

    /** One backend message: its type byte and its body (without the length word). */
    public record Message(char type, byte[] body) {
        /** The body as text up to its first NUL (CommandComplete's tag, for instance). */
        public String text() {
            int end = 0;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            return new String(body, 0, end, StandardCharsets.UTF_8);
        }
    }

    /** What one simple-protocol request returned, up to its ReadyForQuery. */
    public record Result(List<List<String>> rows, List<String> commandTags, String sqlState, String errorMessage,
            byte[] copyOut, char transactionStatus) {
        /** The only value of a one-row, one-column result. */
        public String single() {
            if (sqlState != null) {
                throw new AssertionError("query failed: " + sqlState + " " + errorMessage);
            }
            if (rows.size() != 1 || rows.get(0).size() != 1) {
                throw new AssertionError("expected one value, got " + rows);
            }
            return rows.get(0).get(0);
        }
    }

    private PgWireClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects, logs in and reads up to the first ReadyForQuery; fails with the server's error text if refused. */
    public static PgWireClient connect(SocketAddress address, String user, String password, String database)
            throws IOException {
        PgWireClient client = new PgWireClient(SocketChannel.open(address));
        try {
            client.login(user, password, database);
            return client;
        } catch (IOException | RuntimeException | Error e) {
            client.close();
            throw e;
        }
    }

    /** The SCRAM user into the test database over TCP or the Unix socket. */
    public static PgWireClient connect(SocketAddress address) throws IOException {
        return connect(address, PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD,
                PostgresExtension.DATABASE);
    }

    /**
     * Sends a CancelRequest as libpq does (a connection of its own) and waits until the other side closes it.
     *
     * @return the number of bytes the other side sent before closing (a pooler answers nothing)
     */
    public static int cancel(SocketAddress address, int processId, int secretKey) throws IOException {
        try (SocketChannel ch = SocketChannel.open(address)) {
            ByteBuffer request = ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(processId)
                    .putInt(secretKey).flip();
            while (request.hasRemaining()) {
                ch.write(request);
            }
            int received = 0;
            ByteBuffer sink = ByteBuffer.allocate(256);
            int n;
            while ((n = ch.read(sink.clear())) >= 0) {
                received += n;
            }
            return received;
        }
    }

    public int processId() {
        return processId;
    }

    public int secretKey() {
        return secretKey;
    }

    /** The ParameterStatus values of the welcome, and any reported since. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** The stream the client reads from, for tests that read a reply their own way. */
    public InputStream input() {
        return in;
    }

    // ---- requests ----

    /** Sends a simple-protocol Query without reading the reply. */
    public void sendQuery(String sql) throws IOException {
        send('Q', cString(sql));
    }

    /** Runs a simple-protocol query and collects everything up to ReadyForQuery. */
    public Result query(String sql) throws IOException {
        sendQuery(sql);
        return readResult(null);
    }

    /**
     * Runs a query with the extended protocol: Parse and Bind of the unnamed statement and portal with text
     * parameters, Describe, Execute, Sync; collects the replies up to ReadyForQuery.
     */
    public Result extendedQuery(String sql, String... params) throws IOException {
        ByteArrayOutputStream parse = new ByteArrayOutputStream();
        parse.write(cString(""));
        parse.write(cString(sql));
        parse.write(new byte[2]);
        ByteArrayOutputStream bind = new ByteArrayOutputStream();
        bind.write(cString(""));
        bind.write(cString(""));
        bind.write(new byte[2]);
        bind.write(ByteBuffer.allocate(2).putShort((short) params.length).array());
        for (String p : params) {
            byte[] value = p.getBytes(StandardCharsets.UTF_8);
            bind.write(ByteBuffer.allocate(4).putInt(value.length).array());
            bind.write(value);
        }
        bind.write(new byte[2]);
        send('P', parse.toByteArray());
        send('B', bind.toByteArray());
        send('D', new byte[] {'P', 0});
        send('E', new byte[] {0, 0, 0, 0, 0});
        send('S', new byte[0]);
        return readResult(null);
    }

    /** Runs {@code COPY ... FROM STDIN}, sending {@code data} as CopyData in pieces of {@code chunk} bytes. */
    public Result copyIn(String sql, byte[] data, int chunk) throws IOException {
        sendQuery(sql);
        return readResult(new CopyInput(data, chunk));
    }

    /** Sends one frontend message. */
    public void send(char type, byte[] body) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body);
        out.write(frame.array());
        out.flush();
    }

    /** Leaves as a polite client does: sends Terminate and waits until the other side has closed the connection. */
    public void terminate() throws IOException {
        send('X', new byte[0]);
        awaitClosed();
    }

    // ---- replies ----

    /** Reads one backend message. */
    public Message read() throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt();
        if (length < 4 || length > (64 << 20)) {
            throw new IOException("bad message length " + length + " for type " + type);
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        if (type == 'S') {
            String[] kv = strings(body);
            parameters.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return new Message(type, body);
    }

    /** Returns when the other side has closed the connection, reading and dropping whatever it still sends. */
    public void awaitClosed() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (EOFException e) {
            // closed
        }
    }

    /** Reads the replies to one request up to ReadyForQuery. */
    public Result readResult() throws IOException {
        return readResult(null);
    }

    /** What a COPY FROM STDIN in progress sends, in pieces of {@code chunk} bytes. */
    private record CopyInput(byte[] data, int chunk) {
    }

    private Result readResult(CopyInput copyIn) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        ByteArrayOutputStream copyOut = new ByteArrayOutputStream();
        String sqlState = null;
        String errorMessage = null;
        while (true) {
            Message m = read();
            switch (m.type()) {
                case 'D' -> rows.add(dataRow(m.body()));
                case 'C' -> tags.add(m.text());
                case 'd' -> copyOut.write(m.body());
                case 'E' -> {
                    Map<Character, String> fields = fields(m.body());
                    sqlState = fields.get('C');
                    errorMessage = fields.get('M');
                }
                case 'G' -> sendCopyData(copyIn);
                case 'Z' -> {
                    return new Result(rows, tags, sqlState, errorMessage, copyOut.toByteArray(),
                            (char) m.body()[0]);
                }
                default -> {
                    // RowDescription, CopyOutResponse, CopyDone, NoticeResponse, EmptyQueryResponse, ...
                }
            }
        }
    }

    private void sendCopyData(CopyInput copyIn) throws IOException {
        if (copyIn == null) {
            send('f', cString("no COPY data in this test"));
            return;
        }
        byte[] data = copyIn.data();
        for (int off = 0; off < data.length; off += copyIn.chunk()) {
            send('d', Arrays.copyOfRange(data, off, Math.min(data.length, off + copyIn.chunk())));
        }
        send('c', new byte[0]);
    }

    private static List<String> dataRow(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        int columns = b.getShort();
        List<String> row = new ArrayList<>(columns);
        for (int i = 0; i < columns; i++) {
            int len = b.getInt();
            if (len < 0) {
                row.add(null);
            } else {
                row.add(new String(body, b.position(), len, StandardCharsets.UTF_8));
                b.position(b.position() + len);
            }
        }
        return row;
    }

    /** The fields of an ErrorResponse or NoticeResponse by their one-letter codes. */
    public static Map<Character, String> fields(byte[] body) {
        Map<Character, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            char code = (char) body[i++];
            int end = i;
            while (body[end] != 0) {
                end++;
            }
            fields.put(code, new String(body, i, end - i, StandardCharsets.UTF_8));
            i = end + 1;
        }
        return fields;
    }

    // ---- login ----

    private void login(String user, String password, String database) throws IOException {
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        for (String s : new String[] {"user", user, "database", database, "application_name", "pgwireclient"}) {
            params.write(cString(s));
        }
        params.write(0);
        byte[] body = params.toByteArray();
        ByteBuffer startup = ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).putInt(196608).put(body);
        out.write(startup.array());
        out.flush();
        Scram scram = null;
        while (true) {
            Message m = read();
            switch (m.type()) {
                case 'R' -> scram = authenticate(m.body(), password, scram);
                case 'K' -> {
                    ByteBuffer b = ByteBuffer.wrap(m.body());
                    processId = b.getInt();
                    secretKey = b.getInt();
                }
                case 'E' -> throw new IOException("login refused: " + fields(m.body()));
                case 'Z' -> {
                    return;
                }
                default -> {
                    // ParameterStatus (recorded by read), NoticeResponse, NegotiateProtocolVersion
                }
            }
        }
    }

    private Scram authenticate(byte[] body, String password, Scram scram) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(body);
        int code = b.getInt();
        switch (code) {
            case 0 -> {
                return scram;
            }
            case 3 -> send('p', cString(password));
            case 10 -> {
                Scram s = new Scram(password);
                byte[] first = s.clientFirst().getBytes(StandardCharsets.UTF_8);
                ByteBuffer msg = ByteBuffer.allocate(14 + 4 + first.length)
                        .put(cString("SCRAM-SHA-256")).putInt(first.length).put(first);
                send('p', msg.array());
                return s;
            }
            case 11 -> send('p', scram.clientFinal(new String(body, 4, body.length - 4, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
            case 12 -> scram.verifyServerFinal(new String(body, 4, body.length - 4, StandardCharsets.UTF_8));
            default -> throw new IOException("authentication method " + code + " not supported by this client");
        }
        return scram;
    }

    /** The client side of SCRAM-SHA-256 (RFC 5802/7677) without channel binding, as libpq does it over plain TCP. */
    private static final class Scram {
        private final String password;
        private final String clientNonce;
        private String clientFirstBare;
        private byte[] saltedPassword;
        private String authMessage;

        Scram(String password) {
            this.password = password;
            byte[] raw = new byte[18];
            new SecureRandom().nextBytes(raw);
            this.clientNonce = Base64.getEncoder().encodeToString(raw);
        }

        String clientFirst() {
            clientFirstBare = "n=,r=" + clientNonce;
            return "n,," + clientFirstBare;
        }

        String clientFinal(String serverFirst) throws IOException {
            Map<Character, String> attrs = attributes(serverFirst);
            String nonce = attrs.get('r');
            if (nonce == null || !nonce.startsWith(clientNonce)) {
                throw new IOException("server nonce does not extend the client's: " + serverFirst);
            }
            byte[] salt = Base64.getDecoder().decode(attrs.get('s'));
            int iterations = Integer.parseInt(attrs.get('i'));
            String withoutProof = "c=biws,r=" + nonce;
            authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            try {
                PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
                saltedPassword = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec)
                        .getEncoded();
                byte[] clientKey = hmac(saltedPassword, "Client Key");
                byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
                byte[] signature = hmac(storedKey, authMessage);
                byte[] proof = new byte[clientKey.length];
                for (int i = 0; i < proof.length; i++) {
                    proof[i] = (byte) (clientKey[i] ^ signature[i]);
                }
                return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
        }

        void verifyServerFinal(String serverFinal) throws IOException {
            String expected;
            try {
                expected = Base64.getEncoder().encodeToString(hmac(hmac(saltedPassword, "Server Key"), authMessage));
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            if (!expected.equals(attributes(serverFinal).get('v'))) {
                throw new IOException("wrong server signature: " + serverFinal);
            }
        }

        private static Map<Character, String> attributes(String message) {
            Map<Character, String> attrs = new LinkedHashMap<>();
            for (String part : message.split(",")) {
                if (part.length() >= 2 && part.charAt(1) == '=') {
                    attrs.put(part.charAt(0), part.substring(2));
                }
            }
            return attrs;
        }

        private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    // ---- helpers ----

    private static byte[] cString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        byte[] r = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, r, 0, bytes.length);
        return r;
    }

    private static String[] strings(byte[] body) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                parts.add(new String(body, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return parts.toArray(new String[0]);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
