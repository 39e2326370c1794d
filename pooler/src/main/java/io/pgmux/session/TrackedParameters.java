package io.pgmux.session;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server parameters pgmux keeps equal between a client and whichever server it gets: PgBouncer's varcache
 * (client_encoding, DateStyle, TimeZone, standard_conforming_strings, application_name) plus
 * {@code track_extra_parameters}. Names match case-insensitively and map to the server's spelling.
 */
public final class TrackedParameters {
    private static final List<String> ALWAYS = List.of(
            "client_encoding", "DateStyle", "TimeZone", "standard_conforming_strings", "application_name");

    private final Map<String, String> canonical = new TreeMap<>();
    /** The canonical names in a fixed order, walked on every server hand-over. */
    private final String[] names;

    public TrackedParameters(List<String> extra) {
        for (String name : ALWAYS) {
            canonical.put(name.toLowerCase(Locale.ROOT), name);
        }
        for (String name : extra) {
            canonical.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
        }
        names = canonical.values().toArray(new String[0]);
    }

    /** The server's spelling of a tracked parameter, or null when it is not tracked. */
    public String canonicalName(String name) {
        return canonical.get(name.toLowerCase(Locale.ROOT));
    }

    public Iterable<String> names() {
        return canonical.values();
    }

    /** Takes the server's value of each tracked parameter the client has not set; the others are not kept. */
    void adoptMissing(ClientParameters client, Map<String, String> server) {
        for (String name : names) {
            String value = server.get(name);
            if (value != null) {
                client.putIfAbsent(name, value);
            }
        }
    }

    /** {@code SET name='value';} statements that make a server's values equal the client's, or null when equal. */
    String syncSql(ClientParameters client, Map<String, String> server) {
        StringBuilder sql = null;
        for (String name : names) {
            String want = client.get(name);
            String have = server.get(name);
            // Runs for every transaction in transaction mode: the exact comparison settles nearly all of them.
            if (want == null || have == null || want.equals(have) || want.equalsIgnoreCase(have)) {
                continue;
            }
            if (sql == null) {
                sql = new StringBuilder();
            }
            sql.append("SET ").append(name).append('=').append(quoteLiteral(want)).append(';');
        }
        return sql == null ? null : sql.toString();
    }

    private static String quoteLiteral(String value) {
        StringBuilder out = new StringBuilder(value.length() + 4);
        boolean backslash = value.indexOf('\\') >= 0;
        if (backslash) {
            out.append('E');
        }
        out.append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\'' || c == '\\') {
                out.append(c);
            }
            out.append(c);
        }
        return out.append('\'').toString();
    }
}
