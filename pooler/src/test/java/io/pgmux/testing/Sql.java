package io.pgmux.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * pgjdbc through pgmux for the timeout and limit tests: connections that work in transaction pooling (unnamed
 * statements only) and never block a test for long, and the assertions those tests share.
 */
public final class Sql {
    /** SQLSTATE of PgBouncer's own errors. */
    public static final String PROTOCOL_VIOLATION = "08P01";
    /** pgjdbc's socketTimeout: no read through pgmux blocks longer than this. */
    private static final String SOCKET_TIMEOUT_SECONDS = "20";

    private Sql() {
    }

    /** The test database as the SCRAM user. */
    public static Connection connect(PgmuxServer pgmux) throws SQLException {
        return connect(pgmux, PostgresExtension.DATABASE, PostgresExtension.SCRAM_USER,
                PostgresExtension.SCRAM_PASSWORD);
    }

    /**
     * A connection through pgmux. {@code prepareThreshold=0}: unnamed statements only, as named ones through
     * transaction pooling come with their own issue. {@code assumeMinServerVersion}: pgjdbc sends its settings in
     * the startup packet instead of running SETs after login, so a login needs no server once the pool has one and
     * each statement of a test is one request.
     */
    public static Connection connect(PgmuxServer pgmux, String database, String user, String password)
            throws SQLException {
        return connect(pgmux.url(database), user, password);
    }

    /** As {@link #connect(PgmuxServer, String, String, String)}, to a pgmux this JVM did not start. */
    public static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("sslmode", "disable");
        props.setProperty("gssEncMode", "disable");
        props.setProperty("prepareThreshold", "0");
        props.setProperty("assumeMinServerVersion", "10");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", SOCKET_TIMEOUT_SECONDS);
        return DriverManager.getConnection(url, props);
    }

    /** The first column of the first row, or null without rows. */
    public static String value(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (!st.execute(sql)) {
                return null;
            }
            try (ResultSet rs = st.getResultSet()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** {@link #value} on another thread, for a query that waits (behind a full or paused pool). */
    public static CompletableFuture<String> valueLater(Connection c, String sql) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return value(c, sql);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** The process id of the PostgreSQL backend that runs this statement. */
    public static int pid(Connection c) throws SQLException {
        return Integer.parseInt(value(c, "SELECT pg_backend_pid()"));
    }

    /** True while PostgreSQL still has a backend with this process id. */
    public static boolean backendAlive(Connection monitor, int pid) throws SQLException {
        try (PreparedStatement ps = monitor.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    /** The error is PgBouncer's: FATAL, SQLSTATE 08P01 and exactly this text. */
    public static void assertFatal(SQLException e, String message) {
        assertFatal(e, PROTOCOL_VIOLATION, message);
    }

    /** The error came from the server side (pgmux or PostgreSQL) as a FATAL with this SQLSTATE and text. */
    public static void assertFatal(SQLException e, String sqlState, String message) {
        PSQLException pe = assertInstanceOf(PSQLException.class, e);
        ServerErrorMessage error = pe.getServerErrorMessage();
        assertNotNull(error, () -> "no ErrorResponse reached the client: " + e);
        assertEquals("FATAL", error.getSeverity(), () -> "severity of " + error);
        assertEquals(sqlState, error.getSQLState(), () -> "SQLSTATE of " + error);
        assertEquals(message, error.getMessage());
    }

    /** A new client logs in through pgmux and runs a query: the pooler recovered. */
    public static void assertServes(PgmuxServer pgmux) throws SQLException {
        assertServes(pgmux, PostgresExtension.DATABASE);
    }

    /** A new client of {@code database} logs in and runs a query. */
    public static void assertServes(PgmuxServer pgmux, String database) throws SQLException {
        try (Connection c = connect(pgmux, database, PostgresExtension.SCRAM_USER,
                PostgresExtension.SCRAM_PASSWORD)) {
            assertEquals("served", value(c, "SELECT 'served'"));
            assertTrue(c.isValid(5));
        }
    }
}
