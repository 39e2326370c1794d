package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/** Session pooling through pgmux with pgjdbc against a real PostgreSQL that requires SCRAM. */
@ExtendWith(PostgresExtension.class)
class SessionPoolingIT {
    private static PgmuxServer pgmux;

    @BeforeAll
    static void start(TestPostgres postgres) {
        pgmux = PgmuxServer.builder(postgres).set("default_pool_size", "2").start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    @Test
    void runsQueriesAsTheClientsUser() throws SQLException {
        try (Connection c = pgmux.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_user, current_database(), 40 + 2")) {
            assertTrue(rs.next());
            assertEquals(PostgresExtension.SCRAM_USER, rs.getString(1));
            assertEquals(PostgresExtension.DATABASE, rs.getString(2));
            assertEquals(42, rs.getInt(3));
        }
    }

    @Test
    void md5UserLogsInWithMd5OnBothSides() throws SQLException {
        try (Connection c = pgmux.connect(PostgresExtension.DATABASE, PostgresExtension.MD5_USER,
                PostgresExtension.MD5_PASSWORD);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            assertEquals(PostgresExtension.MD5_USER, rs.getString(1));
        }
    }

    @Test
    void ddlErrorsAndRecoveryInOneSession() throws SQLException {
        try (Connection c = pgmux.connect(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS session_ddl");
            st.execute("CREATE TABLE session_ddl (id int primary key, v text)");
            st.execute("INSERT INTO session_ddl VALUES (1, 'a'), (2, 'b')");
            SQLException dup = assertThrows(SQLException.class,
                    () -> st.execute("INSERT INTO session_ddl VALUES (1, 'again')"));
            assertEquals("23505", dup.getSQLState());
            SQLException syntax = assertThrows(SQLException.class, () -> st.execute("SELEC 1"));
            assertEquals("42601", syntax.getSQLState());
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM session_ddl")) {
                rs.next();
                assertEquals(2, rs.getInt(1));
            }
            c.setAutoCommit(false);
            st.execute("INSERT INTO session_ddl VALUES (3, 'c')");
            assertThrows(SQLException.class, () -> st.execute("SELECT 1/0"));
            c.rollback();
            c.setAutoCommit(true);
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM session_ddl")) {
                rs.next();
                assertEquals(2, rs.getInt(1), "the failed transaction was rolled back");
            }
            st.execute("DROP TABLE session_ddl");
        }
    }

    @Test
    void multiStatementQueryReturnsEveryResult() throws SQLException {
        try (Connection c = pgmux.connect(); Statement st = c.createStatement()) {
            assertTrue(st.execute("SELECT 1; SELECT 2, 3; SELECT 'x'"));
            int results = 0;
            do {
                try (ResultSet rs = st.getResultSet()) {
                    assertTrue(rs.next());
                    results++;
                }
            } while (st.getMoreResults());
            assertEquals(3, results);
        }
    }

    @Test
    void copyInAndOut() throws Exception {
        try (Connection c = pgmux.connect(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS session_copy");
            st.execute("CREATE TABLE session_copy (id int, v text)");
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                rows.append(i).append('\t').append("row ").append(i).append('\n');
            }
            long in = copy.copyIn("COPY session_copy FROM STDIN", new StringReader(rows.toString()));
            assertEquals(10_000, in);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long outRows = copy.copyOut("COPY (SELECT * FROM session_copy ORDER BY id) TO STDOUT", out);
            assertEquals(10_000, outRows);
            assertEquals(rows.toString(), out.toString(StandardCharsets.UTF_8));
            st.execute("DROP TABLE session_copy");
        }
    }

    @Test
    void sessionStateStaysForTheSessionAndIsResetForTheNextClient() throws SQLException {
        int backend;
        try (Connection c = pgmux.connect(); Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = '12345ms'");
            st.execute("CREATE TEMP TABLE mine (x int)");
            st.execute("INSERT INTO mine VALUES (7)");
            for (int i = 0; i < 5; i++) {
                try (ResultSet rs = st.executeQuery("SELECT current_setting('statement_timeout'), "
                        + "(SELECT x FROM mine), pg_backend_pid()")) {
                    rs.next();
                    assertEquals("12345ms", rs.getString(1));
                    assertEquals(7, rs.getInt(2));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                backend = rs.getInt(1);
            }
        }
        // The pool holds two servers; try until the next client gets the same server, then check its state.
        boolean sameServerSeen = false;
        for (int attempt = 0; attempt < 20 && !sameServerSeen; attempt++) {
            try (Connection c = pgmux.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_backend_pid(), current_setting('statement_timeout'), "
                         + "to_regclass('pg_temp.mine') IS NULL")) {
                rs.next();
                if (rs.getInt(1) == backend) {
                    sameServerSeen = true;
                    assertEquals("0", rs.getString(2), "SET was reset by DISCARD ALL");
                    assertTrue(rs.getBoolean(3), "the temp table is gone");
                }
            }
        }
        assertTrue(sameServerSeen, "the server was reused by a later client");
    }

    @Test
    void eachClientSeesItsOwnTrackedParametersOnAReusedServer() throws SQLException {
        for (int i = 0; i < 6; i++) {
            String app = "app-" + i;
            String zone = i % 2 == 0 ? "Europe/Paris" : "America/New_York";
            Properties props = new Properties();
            props.setProperty("user", PostgresExtension.SCRAM_USER);
            props.setProperty("password", PostgresExtension.SCRAM_PASSWORD);
            props.setProperty("ApplicationName", app);
            try (Connection c = DriverManager.getConnection(pgmux.url(PostgresExtension.DATABASE), props);
                 Statement st = c.createStatement()) {
                st.execute("SET TimeZone = '" + zone + "'");
                try (ResultSet rs = st.executeQuery(
                        "SELECT current_setting('application_name'), current_setting('TimeZone')")) {
                    rs.next();
                    assertEquals(app, rs.getString(1));
                    assertEquals(zone, rs.getString(2));
                }
                assertEquals(app, c.unwrap(PGConnection.class).getParameterStatus("application_name"));
                assertEquals(zone, c.unwrap(PGConnection.class).getParameterStatus("TimeZone"));
            }
        }
    }

    @Test
    void preparedStatementsOfTheExtendedProtocol() throws SQLException {
        try (Connection c = pgmux.connect();
             PreparedStatement ps = c.prepareStatement("SELECT ?::int * 2, ?::text")) {
            for (int i = 0; i < 20; i++) {
                ps.setInt(1, i);
                ps.setString(2, "v" + i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(i * 2, rs.getInt(1));
                    assertEquals("v" + i, rs.getString(2));
                    assertFalse(rs.next());
                }
            }
        }
    }
}
