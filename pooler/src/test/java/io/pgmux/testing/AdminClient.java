package io.pgmux.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An admin console session on the wire. pgjdbc cannot be used: it sends {@code SET extra_float_digits} to any
 * server older than 12, which PgBouncer's admin console refuses ("SET failed") and pgmux's too. A command can be sent
 * and its answer read later, for the commands that answer only once something has happened (PAUSE, WAIT_CLOSE).
 */
public final class AdminClient implements AutoCloseable {
    private final RawPgClient raw;
    private final Map<String, String> parameters;

    /** One query's answer: columns and rows (text, null for NULL), the tag, or the error message. */
    public record Result(List<String> columns, List<List<String>> rows, String tag, String error) {
        /** Each row as column name to value. */
        public List<Map<String, String>> maps() {
            List<Map<String, String>> maps = new ArrayList<>();
            for (List<String> row : rows) {
                Map<String, String> map = new HashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    map.put(columns.get(i), row.get(i));
                }
                maps.add(map);
            }
            return maps;
        }

        /** A two-column answer (SHOW STATE, SHOW TOTALS) as first column to second. */
        public Map<String, String> pairs() {
            Map<String, String> pairs = new HashMap<>();
            rows.forEach(row -> pairs.put(row.get(0), row.get(1)));
            return pairs;
        }
    }

    private AdminClient(RawPgClient raw, Map<String, String> parameters) {
        this.raw = raw;
        this.parameters = parameters;
    }

    /** Logs in to the admin database {@code pgbouncer}. */
    public static AdminClient login(PgmuxServer server, String user, String password) throws IOException {
        return login(server, "pgbouncer", user, password);
    }

    /** Logs in (cleartext password when asked); a refusal is an IOException with its text. */
    public static AdminClient login(PgmuxServer server, String database, String user, String password)
            throws IOException {
        return login(server.port(), database, user, password);
    }

    /** As {@link #login(PgmuxServer, String, String, String)}, to pgmux on 127.0.0.1:port. */
    public static AdminClient login(int port, String database, String user, String password) throws IOException {
        RawPgClient raw = RawPgClient.connect(port);
        try {
            raw.send(RawPgClient.startupMessage(Map.of("user", user, "database", database)));
            RawPgClient.Message auth = raw.readMessage();
            if (auth.type() == 'E') {
                throw new IOException("refused: " + RawPgClient.ErrorResponse.parse(auth.body()));
            }
            if (auth.type() != 'R' || (auth.intAt(0) != 3 && auth.intAt(0) != 0)) {
                throw new IOException("expected a password request or AuthenticationOk, got " + auth);
            }
            if (auth.intAt(0) == 3) {
                raw.send(RawPgClient.passwordMessage(password));
            }
            Map<String, String> parameters = new HashMap<>();
            for (RawPgClient.Message m : raw.readUntilReady()) {
                if (m.type() == 'S') {
                    String[] pair = new String(m.body(), StandardCharsets.UTF_8).split("\0");
                    parameters.put(pair[0], pair[1]);
                }
            }
            return new AdminClient(raw, parameters);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    public Map<String, String> parameters() {
        return parameters;
    }

    public RawPgClient raw() {
        return raw;
    }

    /** Runs one command and reads its answer. */
    public Result query(String sql) throws IOException {
        send(sql);
        return readResult();
    }

    /** Sends one command without waiting for its answer. */
    public void send(String sql) throws IOException {
        raw.send(RawPgClient.query(sql));
    }

    /** Reads the answer of a command sent before, up to its ReadyForQuery. */
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

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
