package io.pgmux.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simple-query client on the wire that sends nothing of its own: it logs in (no password, or a cleartext one,
 * as auth_type plain asks) and then runs exactly the queries a test gives it. It talks to the admin console, which
 * pgjdbc cannot, and to pools whose statistics a test counts.
 */
public final class SimpleQueryClient implements AutoCloseable {
    private final RawPgClient raw;
    private final Map<String, String> parameters;

    /** One query's answer: columns and rows (text, null for NULL), the tag, or the error message. */
    public record Result(List<String> columns, List<List<String>> rows, String tag, String error) {
        /** Each row as column name → value. */
        public List<Map<String, String>> maps() {
            List<Map<String, String>> maps = new ArrayList<>();
            for (List<String> row : rows) {
                Map<String, String> map = new LinkedHashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    map.put(columns.get(i), row.get(i));
                }
                maps.add(map);
            }
            return maps;
        }

        /** A two-column answer (SHOW STATE, SHOW TOTALS) as first column to second. */
        public Map<String, String> pairs() {
            Map<String, String> pairs = new LinkedHashMap<>();
            rows.forEach(row -> pairs.put(row.get(0), row.get(1)));
            return pairs;
        }

        /** The first row whose first column is {@code key}. */
        public Map<String, String> row(String key) {
            return maps().stream().filter(r -> key.equals(r.get(columns.get(0)))).findFirst()
                    .orElseThrow(() -> new AssertionError("no row " + key + " in " + rows));
        }
    }

    private SimpleQueryClient(RawPgClient raw, Map<String, String> parameters) {
        this.raw = raw;
        this.parameters = parameters;
    }

    /** Logs in to the admin console (database {@code pgbouncer}). */
    public static SimpleQueryClient login(PgmuxServer server, String user, String password) throws IOException {
        return login(server, "pgbouncer", user, password);
    }

    /**
     * Logs in to {@code database} through pgmux.
     *
     * @throws IOException with the server's text when the login is refused
     */
    public static SimpleQueryClient login(PgmuxServer server, String database, String user, String password)
            throws IOException {
        return login(server.port(), database, user, password);
    }

    /** Logs in to {@code database} through the pgmux listening on 127.0.0.1:{@code port}. */
    public static SimpleQueryClient login(int port, String database, String user, String password)
            throws IOException {
        RawPgClient raw = RawPgClient.connect(port);
        try {
            raw.send(RawPgClient.startupMessage(Map.of("user", user, "database", database)));
            RawPgClient.Message auth = raw.readMessage();
            if (auth.type() == 'E') {
                throw new IOException("refused: " + RawPgClient.ErrorResponse.parse(auth.body()));
            }
            if (auth.type() != 'R' || (auth.intAt(0) != 3 && auth.intAt(0) != 0)) {
                throw new IOException("expected a cleartext password request or AuthenticationOk, got " + auth);
            }
            if (auth.intAt(0) == 3) {
                raw.send(RawPgClient.passwordMessage(password));
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (RawPgClient.Message m : raw.readUntilReady()) {
                if (m.type() == 'S') {
                    String[] pair = new String(m.body(), StandardCharsets.UTF_8).split("\0", -1);
                    parameters.put(pair[0], pair[1]);
                }
            }
            return new SimpleQueryClient(raw, parameters);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** The ParameterStatus values of the welcome. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** The connection, to send without waiting for the answer. */
    public RawPgClient raw() {
        return raw;
    }

    /** Sends a query and reads its answer. */
    public Result query(String sql) throws IOException {
        send(sql);
        return readResult();
    }

    /**
     * Sends a query without waiting for its answer, for the admin commands that answer only once something has
     * happened (PAUSE, WAIT_CLOSE).
     */
    public void send(String sql) throws IOException {
        raw.send(RawPgClient.query(sql));
    }

    /** Reads the answer to a query sent earlier, up to its ReadyForQuery. */
    public Result readResult() throws IOException {
        List<String> columns = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        String tag = null;
        String error = null;
        for (RawPgClient.Message m : raw.readUntilReady()) {
            ByteBuffer b = ByteBuffer.wrap(m.body());
            switch (m.type()) {
                case 'T' -> {
                    int n = b.getShort();
                    for (int i = 0; i < n; i++) {
                        columns.add(readCString(b));
                        b.position(b.position() + 18);
                    }
                }
                case 'D' -> {
                    int n = b.getShort();
                    List<String> row = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        int len = b.getInt();
                        row.add(len < 0 ? null : new String(m.body(), b.position(), len, StandardCharsets.UTF_8));
                        b.position(b.position() + Math.max(len, 0));
                    }
                    rows.add(row);
                }
                case 'C' -> tag = readCString(b);
                case 'E' -> error = RawPgClient.ErrorResponse.parse(m.body()).message();
                default -> {
                }
            }
        }
        return new Result(columns, rows, tag, error);
    }

    private static String readCString(ByteBuffer b) {
        int start = b.position();
        while (b.get() != 0) {
            // up to the terminator
        }
        return new String(b.array(), start, b.position() - start - 1, StandardCharsets.UTF_8);
    }

    /** Sends Terminate: the client's way to say goodbye, after which the server closes the connection. */
    public void terminate() throws IOException {
        raw.send(RawPgClient.message('X', new byte[0]));
        raw.closedByPeer();
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
