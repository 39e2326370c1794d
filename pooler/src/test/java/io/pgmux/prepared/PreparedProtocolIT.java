package io.pgmux.prepared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.testing.Await;
import io.pgmux.testing.PgWireClient;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Named statements through transaction pooling at the protocol level, where the exact answers matter: errors in a
 * pipeline, names PgBouncer refuses, Close, DEALLOCATE ALL and DISCARD ALL, DDL and RECONNECT, the admin columns.
 */
@ExtendWith(PostgresExtension.class)
class PreparedProtocolIT {
    private static PgmuxServer pgmux;
    private static TestPostgres postgres;

    @BeforeAll
    static void start(TestPostgres pg) {
        postgres = pg;
        pgmux = PgmuxServer.builder(pg).set("pool_mode", "transaction").set("default_pool_size", "2")
                .set("admin_users", PostgresExtension.SCRAM_USER).start();
    }

    @AfterAll
    static void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
    }

    @Test
    void aFailedParseIsReportedOnceAndItsNameStaysFree() throws Exception {
        try (PgWireClient c = connect()) {
            parse(c, "ok1", "SELECT 1");
            parse(c, "bad", "SELEC oops");
            bind(c, "ok1");
            execute(c);
            sync(c);
            assertEquals("1 E:42601 Z", answers(c), "ParseComplete, the error once, nothing it skipped");
            parse(c, "bad", "SELECT 2");
            bind(c, "bad");
            execute(c);
            sync(c);
            assertEquals("1 2 D:2 C Z", answers(c));
        }
    }

    @Test
    void noParseCompleteFollowsAnErrorForAStatementTheServerAlreadyHas() throws Exception {
        try (PgWireClient c = connect()) {
            parse(c, "first", "SELECT 11");
            sync(c);
            assertEquals("1 Z", answers(c));
            parse(c, "fails", "SELECT no_such_column");
            parse(c, "same_text", "SELECT 11");
            sync(c);
            assertEquals("E:42703 Z", answers(c));
            // PostgreSQL never ran the second Parse: the name is free.
            parse(c, "same_text", "SELECT 11");
            bind(c, "same_text");
            execute(c);
            sync(c);
            assertEquals("1 2 D:11 C Z", answers(c));
        }
    }

    @Test
    void aStatementIsPreparedOnWhicheverServerTheClientGetsAndTheAdminConsoleCountsIt() throws Exception {
        try (PgWireClient a = connect(); PgWireClient b = connect(); PgWireClient holder = connect()) {
            parse(a, "mine", "SELECT pg_backend_pid()");
            sync(a);
            assertEquals("1 Z", answers(a));
            parse(b, "theirs", "SELECT pg_backend_pid()");
            sync(b);
            assertEquals("1 Z", answers(b));
            assertEquals('T', holder.query("BEGIN").transactionStatus());
            String held = holder.query("SELECT pg_backend_pid()").single();
            for (String name : List.of("mine", "theirs")) {
                PgWireClient c = name.equals("mine") ? a : b;
                bind(c, name);
                execute(c);
                sync(c);
                String pid = value(answers(c));
                assertNotEquals(held, pid, "the other server ran it");
            }
            List<Integer> clients = new ArrayList<>();
            List<Integer> servers = new ArrayList<>();
            try (Connection admin = admin(); Statement st = admin.createStatement()) {
                try (ResultSet rs = st.executeQuery("SHOW CLIENTS")) {
                    while (rs.next()) {
                        clients.add(rs.getInt("prepared_statements"));
                    }
                }
                try (ResultSet rs = st.executeQuery("SHOW SERVERS")) {
                    while (rs.next()) {
                        servers.add(rs.getInt("prepared_statements"));
                    }
                }
            }
            assertEquals(2, clients.stream().filter(n -> n == 1).count(), "clients: " + clients);
            assertTrue(servers.stream().anyMatch(n -> n >= 1), "SHOW SERVERS: " + servers);
            holder.query("COMMIT");
        }
    }

    @Test
    void closeFreesTheNameAndAnswersCloseComplete() throws Exception {
        try (PgWireClient c = connect()) {
            parse(c, "s", "SELECT 1");
            close(c, "s");
            close(c, "never_prepared");
            sync(c);
            assertEquals("1 3 3 Z", answers(c));
            parse(c, "s", "SELECT 2");
            bind(c, "s");
            execute(c);
            sync(c);
            assertEquals("1 2 D:2 C Z", answers(c));
        }
    }

    @Test
    void aNameParsedTwiceEndsTheClientWithPgBouncersError() throws Exception {
        try (PgWireClient c = connect()) {
            parse(c, "twice", "SELECT 1");
            sync(c);
            assertEquals("1 Z", answers(c));
            parse(c, "twice", "SELECT 1");
            assertFatal(c, "prepared statement name is already in use");
        }
        assertStillServes();
    }

    @Test
    void bindOrDescribeOfAnUnknownNameEndsTheClientWithPgBouncersError() throws Exception {
        try (PgWireClient c = connect()) {
            bind(c, "unknown");
            assertFatal(c, "prepared statement did not exist");
        }
        try (PgWireClient c = connect()) {
            c.send('D', concat(new byte[] {'S'}, cString("unknown")));
            assertFatal(c, "prepared statement did not exist");
        }
        assertStillServes();
    }

    @Test
    void deallocateAllAndDiscardAllForgetTheClientsStatements() throws Exception {
        for (String command : List.of("DEALLOCATE ALL", "DISCARD ALL")) {
            try (PgWireClient c = connect()) {
                parse(c, "s", "SELECT 1");
                sync(c);
                assertEquals("1 Z", answers(c));
                assertNull(c.query(command).sqlState());
                bind(c, "s");
                assertFatal(c, "prepared statement did not exist");
            }
        }
        assertStillServes();
    }

    @Test
    void aResultTypeChangedByDdlGivesPostgresErrorUntilReconnect() throws Exception {
        try (Connection su = postgres.superuser(); Statement st = su.createStatement()) {
            st.execute("DROP TABLE IF EXISTS ps_ddl");
            st.execute("CREATE TABLE ps_ddl (a int)");
            st.execute("INSERT INTO ps_ddl VALUES (1)");
            st.execute("GRANT ALL ON ps_ddl TO " + PostgresExtension.SCRAM_USER);
        }
        InetSocketAddress direct = new InetSocketAddress("127.0.0.1", postgres.port());
        try (PgWireClient c = connect(); PgWireClient d = PgWireClient.connect(direct)) {
            for (PgWireClient client : List.of(c, d)) {
                parse(client, "q", "SELECT * FROM ps_ddl");
                bind(client, "q");
                execute(client);
                sync(client);
                assertEquals("1 2 D:1 C Z", answers(client));
            }
            try (Connection su = postgres.superuser(); Statement st = su.createStatement()) {
                st.execute("ALTER TABLE ps_ddl ADD COLUMN b int");
            }
            for (PgWireClient client : List.of(d, c)) {
                bind(client, "q");
                execute(client);
                sync(client);
            }
            String fromPostgres = errorOf(d);
            assertEquals(fromPostgres, errorOf(c), "the error PostgreSQL gives");
            try (Connection admin = admin(); Statement st = admin.createStatement()) {
                st.execute("RECONNECT");
            }
            Await.until(Duration.ofSeconds(15), "a server prepared after RECONNECT", () -> {
                bind(c, "q");
                execute(c);
                sync(c);
                return answers(c).equals("2 D:1 C Z");
            });
        }
    }

    @Test
    void showStatsCountsClientParsesServerParsesAndBinds(TestPostgres pg) throws Exception {
        try (PgmuxServer own = PgmuxServer.builder(pg).set("pool_mode", "transaction").set("default_pool_size", "2")
                .set("admin_users", PostgresExtension.SCRAM_USER).start();
             PgWireClient c1 = PgWireClient.connect(new InetSocketAddress("127.0.0.1", own.port()));
             PgWireClient c2 = PgWireClient.connect(new InetSocketAddress("127.0.0.1", own.port()))) {
            parse(c1, "s", "SELECT 7");
            bind(c1, "s");
            execute(c1);
            sync(c1);
            assertEquals("1 2 D:7 C Z", answers(c1), "prepared on the first server");
            assertEquals('T', c2.query("BEGIN").transactionStatus(), "c2 holds that server");
            bind(c1, "s");
            execute(c1);
            sync(c1);
            assertEquals("2 D:7 C Z", answers(c1), "prepared again on a second server");
            parse(c2, "t", "SELECT 7");
            sync(c2);
            assertEquals("1 Z", answers(c2), "the first server has it: no server parse");
            c2.query("COMMIT");
            Await.until(Duration.ofSeconds(10), "SHOW STATS totals 2 client parses, 2 server parses, 2 binds",
                    () -> List.of(2L, 2L, 2L).equals(preparedStats(own)));
        }
    }

    @Test
    void setMaxPreparedStatementsResizesTheLruAndZeroTurnsTrackingOff(TestPostgres pg) throws Exception {
        try (PgmuxServer own = PgmuxServer.builder(pg).set("pool_mode", "transaction").set("default_pool_size", "1")
                .set("admin_users", PostgresExtension.SCRAM_USER).start();
             PgWireClient c = PgWireClient.connect(new InetSocketAddress("127.0.0.1", own.port()));
             Connection admin = DriverManager.getConnection(own.url("pgbouncer"), adminProperties());
             Statement console = admin.createStatement()) {
            console.execute("SET max_prepared_statements = 1");
            parse(c, "a", "SELECT 1");
            parse(c, "b", "SELECT 2");
            bind(c, "a");
            execute(c);
            bind(c, "b");
            execute(c);
            sync(c);
            assertEquals("1 1 2 D:1 C 2 D:2 C Z", answers(c));
            assertEquals("1", c.query("SELECT count(*) FROM pg_prepared_statements").single());
            console.execute("SET max_prepared_statements = 0");
            parse(c, "mine", "SELECT 3");
            sync(c);
            assertEquals("1 Z", answers(c));
            assertEquals("mine", c.query("SELECT string_agg(name, ',') FROM pg_prepared_statements"
                    + " WHERE name NOT LIKE 'PGBOUNCER%'").single(), "the client's own name reached the server");
        }
    }

    /** total_client_parse_count, total_server_parse_count and total_bind_count of the test database. */
    private static List<Long> preparedStats(PgmuxServer own) throws SQLException {
        Properties props = adminProperties();
        try (Connection admin = DriverManager.getConnection(own.url("pgbouncer"), props);
             Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("SHOW STATS")) {
            while (rs.next()) {
                if (PostgresExtension.DATABASE.equals(rs.getString("database"))) {
                    return List.of(rs.getLong("total_client_parse_count"), rs.getLong("total_server_parse_count"),
                            rs.getLong("total_bind_count"));
                }
            }
        }
        return List.of();
    }

    // ---- helpers ----

    private static void assertStillServes() throws IOException {
        try (PgWireClient c = connect()) {
            assertEquals("1", c.query("SELECT 1").single());
        }
    }

    private static void assertFatal(PgWireClient c, String message) throws IOException {
        PgWireClient.Message m = c.read();
        while (m.type() != 'E') {
            m = c.read();
        }
        Map<Character, String> fields = PgWireClient.fields(m.body());
        assertEquals("FATAL", fields.get('S'));
        assertEquals("08P01", fields.get('C'));
        assertEquals(message, fields.get('M'));
        c.awaitClosed();
    }

    /** The answers up to ReadyForQuery, as "1 2 D:value C Z"; errors as E:SQLSTATE. */
    private static String answers(PgWireClient c) throws IOException {
        StringBuilder out = new StringBuilder();
        while (true) {
            PgWireClient.Message m = c.read();
            if (out.length() > 0) {
                out.append(' ');
            }
            switch (m.type()) {
                case 'D' -> out.append("D:").append(firstColumn(m.body()));
                case 'E' -> out.append("E:").append(PgWireClient.fields(m.body()).get('C'));
                case 'T', 't', 'n' -> out.setLength(Math.max(0, out.length() - 1));
                default -> out.append(m.type());
            }
            if (m.type() == 'Z') {
                return out.toString().strip();
            }
        }
    }

    private static String errorOf(PgWireClient c) throws IOException {
        while (true) {
            PgWireClient.Message m = c.read();
            if (m.type() == 'E') {
                Map<Character, String> f = PgWireClient.fields(m.body());
                c.readResult();
                return f.get('C') + " " + f.get('M');
            }
        }
    }

    private static String value(String answers) {
        int at = answers.indexOf("D:");
        return answers.substring(at + 2, answers.indexOf(' ', at));
    }

    private static String firstColumn(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        b.getShort();
        int len = b.getInt();
        return len < 0 ? "null" : new String(body, 6, len, StandardCharsets.UTF_8);
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(pgmux.url("pgbouncer"), adminProperties());
    }

    private static Properties adminProperties() {
        Properties props = new Properties();
        props.setProperty("user", PostgresExtension.SCRAM_USER);
        props.setProperty("password", PostgresExtension.SCRAM_PASSWORD);
        props.setProperty("sslmode", "disable");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("assumeMinServerVersion", "9.0");
        return props;
    }

    private static PgWireClient connect() throws IOException {
        return PgWireClient.connect(new InetSocketAddress("127.0.0.1", pgmux.port()));
    }

    private static void parse(PgWireClient c, String name, String sql) throws IOException {
        c.send('P', concat(cString(name), cString(sql), new byte[2]));
    }

    private static void bind(PgWireClient c, String name) throws IOException {
        c.send('B', concat(cString(""), cString(name), new byte[6]));
    }

    private static void execute(PgWireClient c) throws IOException {
        c.send('E', new byte[5]);
    }

    private static void close(PgWireClient c, String name) throws IOException {
        c.send('C', concat(new byte[] {'S'}, cString(name)));
    }

    private static void sync(PgWireClient c) throws IOException {
        c.send('S', new byte[0]);
    }

    private static byte[] cString(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
