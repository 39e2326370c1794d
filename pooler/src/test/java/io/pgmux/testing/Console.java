package io.pgmux.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The admin console through pgjdbc, as an operator's script uses it: commands, and SHOW rows by column name. */
public final class Console {
    private Console() {
    }

    /**
     * An admin console connection ({@code pgbouncer} database) in pgjdbc's simple-query mode, the only protocol the
     * console speaks; {@code assumeMinServerVersion} makes pgjdbc send extra_float_digits in the startup packet
     * (which the test pgmux ignores) instead of a SET after login.
     */
    public static Connection connect(PgmuxServer pgmux, String user, String password) throws SQLException {
        return connect(pgmux.port(), user, password);
    }

    /** As {@link #connect(PgmuxServer, String, String)}, to a pgmux listening on 127.0.0.1:{@code port}. */
    public static Connection connect(int port, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("sslmode", "disable");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("assumeMinServerVersion", "9.0");
        props.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/pgbouncer", props);
    }

    /**
     * Runs a command (RELOAD, SET ...); an ErrorResponse is thrown as an SQLException.
     *
     * @return the texts of the notices the command sent
     */
    public static List<String> run(Connection console, String command) throws SQLException {
        try (Statement st = console.createStatement()) {
            st.execute(command);
            List<String> notices = new ArrayList<>();
            for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
                notices.add(w.getMessage());
            }
            return notices;
        }
    }

    /** The rows of a SHOW, each a map from column name to its text (null for NULL). */
    public static List<Map<String, String>> show(Connection console, String show) throws SQLException {
        try (Statement st = console.createStatement(); ResultSet rs = st.executeQuery(show)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, String>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnName(i), rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** The value column of SHOW CONFIG for one key. */
    public static String config(Connection console, String key) throws SQLException {
        return show(console, "SHOW CONFIG").stream().filter(r -> key.equals(r.get("key"))).findFirst()
                .orElseThrow(() -> new AssertionError("SHOW CONFIG has no " + key)).get("value");
    }

    /** The SHOW POOLS row of one database and user, or null when there is no such pool. */
    public static Map<String, String> pool(Connection console, String database, String user) throws SQLException {
        return show(console, "SHOW POOLS").stream()
                .filter(r -> database.equals(r.get("database")) && user.equals(r.get("user")))
                .findFirst().orElse(null);
    }

    /** Server connections of a SHOW POOLS row, in any state. */
    public static int servers(Map<String, String> pool) {
        int n = 0;
        for (String column : List.of("sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login")) {
            n += Integer.parseInt(pool.get(column));
        }
        return n;
    }
}
