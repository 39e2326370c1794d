package io.pgmux.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.protocol.PgBouncerErrors;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.function.Executable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** What bad-input tests check again and again: the FATAL a client is refused with, and that others still work. */
public final class Refusals {
    private static final String FATAL = "FATAL";

    private Refusals() {
    }

    /** Startup parameters from name/value pairs, in order. */
    public static Map<String, String> params(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    /** A pgjdbc connection through pgmux, plain text, with short timeouts. */
    public static Connection connect(PgmuxServer server, String database, String user, String password)
            throws SQLException {
        return connect(server, database, user, password, new Properties());
    }

    /** The same with extra pgjdbc properties. */
    public static Connection connect(PgmuxServer server, String database, String user, String password,
            Properties extra) throws SQLException {
        Properties props = new Properties();
        props.putAll(extra);
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("sslmode", "disable");
        props.setProperty("gssEncMode", "disable");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "10");
        return DriverManager.getConnection(server.url(database), props);
    }

    /** The connection attempt fails with a FATAL 08P01 error with exactly this text. */
    public static void assertRefused(String message, Executable connect) {
        PSQLException e = assertInstanceOf(PSQLException.class, assertThrows(SQLException.class, connect));
        ServerErrorMessage error = e.getServerErrorMessage();
        assertNotNull(error, () -> "no ErrorResponse from the server: " + e);
        assertEquals(FATAL, error.getSeverity());
        assertEquals(PgBouncerErrors.PROTOCOL_VIOLATION, error.getSQLState());
        assertEquals(message, error.getMessage());
    }

    /** A FATAL 08P01 ErrorResponse with exactly this text, then the connection closes. */
    public static void assertErrorThenClose(RawPgClient client, String message) throws IOException {
        assertErrorThenClose(client, PgBouncerErrors.PROTOCOL_VIOLATION, message);
    }

    /** A FATAL ErrorResponse with this SQLSTATE and exactly this text, then the connection closes. */
    public static void assertErrorThenClose(RawPgClient client, String sqlState, String message)
            throws IOException {
        RawPgClient.ErrorResponse error = client.readError();
        assertEquals(FATAL, error.severity());
        assertEquals(sqlState, error.sqlState());
        assertEquals(message, error.message());
        assertTrue(client.closedByPeer(), "the connection closes after the error, with nothing after it");
    }

    /** Runs SELECT 1 on the connection and closes it. */
    public static void assertSelectOne(Connection connection) throws SQLException {
        try (Connection c = connection) {
            selectOne(c);
        }
    }

    /** Runs SELECT 1 on the connection. */
    public static void selectOne(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
        }
    }
}
