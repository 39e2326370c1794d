package io.pgmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.admin.PgmuxVersion;
import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.RawPgClient;
import io.pgmux.testing.SimpleQueryClient;
import io.pgmux.testing.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin console on the wire and through psql, with pool clients through pgjdbc: who gets in, what SHOW
 * answers, the extended protocol refused, RELOAD, DISABLE and ENABLE.
 */
@ExtendWith(PostgresExtension.class)
class AdminConsoleIT {
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin pass";
    private static final String STATS = "stats";
    private static final String STATS_PASSWORD = "stats pass";
    private static final String OUTSIDER = "outsider";
    private static final String OUTSIDER_PASSWORD = "outsider pass";
    private static final List<String> POOLS_COLUMNS = List.of("database", "user", "cl_active", "cl_waiting",
            "cl_active_cancel_req", "cl_waiting_cancel_req", "sv_active", "sv_active_cancel", "sv_being_canceled",
            "sv_idle", "sv_used", "sv_tested", "sv_login", "maxwait", "maxwait_us", "pool_mode",
            "load_balance_hosts");

    private static PgmuxServer pgmux;

    @BeforeAll
    static void start(TestPostgres postgres) {
        pgmux = builder(postgres).start();
    }

    private static PgmuxServer.Builder builder(TestPostgres postgres) {
        return PgmuxServer.builder(postgres)
                .set("admin_users", ADMIN)
                .set("stats_users", STATS)
                .set("auth_type", "plain")
                .userlist(line(PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD)
                        + line(ADMIN, ADMIN_PASSWORD) + line(STATS, STATS_PASSWORD)
                        + line(OUTSIDER, OUTSIDER_PASSWORD));
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    private static String line(String user, String password) {
        return "\"" + user + "\" \"" + password + "\"\n";
    }

    @Test
    void showVersionIsPgmuxsVersion() throws Exception {
        try (SimpleQueryClient c = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD)) {
            SimpleQueryClient.Result r = c.query("SHOW VERSION");
            assertEquals(List.of("version"), r.columns());
            assertEquals(List.of(List.of(PgmuxVersion.text())), r.rows());
            assertEquals("SHOW", r.tag());
        }
    }

    @Test
    void theWelcomeIsPgBouncersAdminWelcome() throws Exception {
        try (SimpleQueryClient c = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD)) {
            assertEquals(PgmuxVersion.PGBOUNCER_COMPAT + "/bouncer", c.parameters().get("server_version"));
            assertEquals("UTF8", c.parameters().get("client_encoding"));
            assertEquals("on", c.parameters().get("is_superuser"));
        }
    }

    @Test
    void thePgmuxDatabaseNameIsTheAdminConsoleToo() throws Exception {
        try (SimpleQueryClient c = SimpleQueryClient.login(pgmux, "pgmux", ADMIN, ADMIN_PASSWORD)) {
            assertEquals(PgmuxVersion.text(), c.query("SHOW VERSION").rows().get(0).get(0));
        }
    }

    @Test
    void pipelinedQueriesAreAnsweredInOrder() throws Exception {
        try (SimpleQueryClient c = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD)) {
            c.raw().send(RawPgClient.query("SHOW POOLS"), RawPgClient.query("SHOW VERSION"),
                    RawPgClient.query("SHOW CONFIG"), RawPgClient.query("SHOW VERSION"));
            List<Character> firstTypes = c.raw().readUntilReady().stream().map(RawPgClient.Message::type).toList();
            assertTrue(firstTypes.size() > 3, "SHOW POOLS has rows: " + firstTypes);
            assertEquals(List.of('T', 'D', 'C', 'Z'),
                    c.raw().readUntilReady().stream().map(RawPgClient.Message::type).toList());
            assertTrue(c.raw().readUntilReady().size() > 50, "SHOW CONFIG has a row per setting");
            assertEquals(List.of('T', 'D', 'C', 'Z'),
                    c.raw().readUntilReady().stream().map(RawPgClient.Message::type).toList());
        }
    }

    @Test
    void showPoolsHasPgBouncersColumnsAndCountsAClientHoldingAServer() throws Exception {
        try (SimpleQueryClient admin = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD)) {
            assertEquals(POOLS_COLUMNS, admin.query("SHOW POOLS").columns());
            try (Connection client = pgmux.connect(); Statement st = client.createStatement()) {
                st.execute("SELECT 1");
                Map<String, String> pool = testPool(admin);
                assertEquals("1", pool.get("cl_active"), pool.toString());
                assertEquals("1", pool.get("sv_active"), pool.toString());
                assertEquals("session", pool.get("pool_mode"));
            }
            // The server goes back to the pool, or is closed if another test asked for RECONNECT.
            awaitPool(admin, p -> "0".equals(p.get("cl_active")) && "0".equals(p.get("sv_active")));
        }
    }

    @Test
    void showClientsListsAConnectedClient() throws Exception {
        try (SimpleQueryClient admin = SimpleQueryClient.login(pgmux, STATS, STATS_PASSWORD);
                Connection client = pgmux.connect()) {
            List<Map<String, String>> rows = admin.query("SHOW CLIENTS").maps();
            assertTrue(rows.stream().anyMatch(r -> PostgresExtension.SCRAM_USER.equals(r.get("user"))
                    && PostgresExtension.DATABASE.equals(r.get("database"))
                    && "127.0.0.1".equals(r.get("addr"))), rows.toString());
            assertTrue(rows.stream().anyMatch(r -> STATS.equals(r.get("user"))
                    && "pgbouncer".equals(r.get("database"))), rows.toString());
        }
    }

    @Test
    void showServersListsTheServerOfAClient() throws Exception {
        try (SimpleQueryClient admin = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD); Connection client = pgmux.connect();
                Statement st = client.createStatement()) {
            st.execute("SELECT 1");
            List<Map<String, String>> rows = admin.query("SHOW SERVERS").maps();
            assertTrue(rows.stream().anyMatch(r -> "active".equals(r.get("state"))
                    && PostgresExtension.DATABASE.equals(r.get("database"))), rows.toString());
        }
    }

    @Test
    void showConfigShowsListenPort() throws Exception {
        try (SimpleQueryClient c = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD)) {
            Map<String, String> listenPort = c.query("SHOW CONFIG").maps().stream()
                    .filter(r -> "listen_port".equals(r.get("key"))).findFirst().orElseThrow();
            assertEquals(String.valueOf(pgmux.port()), listenPort.get("value"));
            assertEquals("6432", listenPort.get("default"));
        }
    }

    @Test
    void showMemReportsTheJvmsHeapAndBuffersInBytes() throws Exception {
        try (SimpleQueryClient c = SimpleQueryClient.login(pgmux, STATS, STATS_PASSWORD)) {
            Map<String, Map<String, String>> rows = new HashMap<>();
            for (Map<String, String> row : c.query("SHOW MEM").maps()) {
                rows.put(row.get("name"), row);
            }
            Map<String, String> heap = rows.get("jvm_heap");
            assertTrue(heap != null && Long.parseLong(heap.get("used")) > 0, rows.toString());
            assertEquals(Long.parseLong(heap.get("memtotal")),
                    Long.parseLong(heap.get("used")) + Long.parseLong(heap.get("free")), heap.toString());
            assertTrue(rows.containsKey("jvm_direct_buffers"), rows.toString());
        }
    }

    @Test
    void aStatsUserNeedsAdminAccessToReload() throws Exception {
        try (SimpleQueryClient c = SimpleQueryClient.login(pgmux, STATS, STATS_PASSWORD)) {
            assertEquals("admin access needed", c.query("RELOAD").error());
            assertEquals(PgmuxVersion.text(), c.query("SHOW VERSION").rows().get(0).get(0),
                    "the session goes on after the error");
        }
    }

    @Test
    void anAdminReloads() throws Exception {
        try (SimpleQueryClient c = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD)) {
            SimpleQueryClient.Result r = c.query("RELOAD");
            assertEquals(null, r.error());
            assertEquals("RELOAD", r.tag());
        }
    }

    @Test
    void aUserInNeitherListIsNotAllowed() {
        IOException e = assertThrows(IOException.class,
                () -> SimpleQueryClient.login(pgmux, OUTSIDER, OUTSIDER_PASSWORD));
        assertTrue(e.getMessage().contains("not allowed"), e.getMessage());
    }

    @Test
    void aWrongPasswordFailsAsForAnyDatabase() {
        IOException e = assertThrows(IOException.class, () -> SimpleQueryClient.login(pgmux, ADMIN, "wrong"));
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
    }

    @Test
    void theExtendedProtocolGetsPgBouncersErrorAndIsDisconnected() throws Exception {
        try (SimpleQueryClient c = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD)) {
            RawPgClient raw = c.raw();
            raw.send(RawPgClient.message('P', RawPgClient.concat(cstring(""), cstring("SHOW VERSION"),
                    new byte[] {0, 0})), RawPgClient.message('S', new byte[0]));
            RawPgClient.ErrorResponse error = raw.readError();
            assertEquals("ERROR", error.severity());
            assertEquals("extended query protocol not supported by admin console", error.message());
            assertEquals("bad packet", raw.readError().message());
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void disableRefusesNewClientsUntilEnable() throws Exception {
        try (SimpleQueryClient admin = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD)) {
            assertEquals("DISABLE", admin.query("DISABLE " + PostgresExtension.DATABASE).tag());
            try {
                SQLException e = assertThrows(SQLException.class, () -> pgmux.connect().close());
                assertTrue(e.getMessage().contains("database \"" + PostgresExtension.DATABASE + "\" is disabled"),
                        e.getMessage());
            } finally {
                assertEquals("ENABLE", admin.query("ENABLE " + PostgresExtension.DATABASE).tag());
            }
            pgmux.connect().close();
        }
    }

    @Test
    void killClientDropsTheClientWithThatId() throws Exception {
        try (SimpleQueryClient admin = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD);
                Connection client = DriverManager.getConnection(pgmux.url(PostgresExtension.DATABASE)
                        + "?sslmode=disable&ApplicationName=victim", PostgresExtension.SCRAM_USER,
                        PostgresExtension.SCRAM_PASSWORD);
                Statement st = client.createStatement()) {
            String id = admin.query("SHOW CLIENTS").maps().stream()
                    .filter(r -> "victim".equals(r.get("application_name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("the client is not listed")).get("id");
            assertEquals("KILL_CLIENT", admin.query("KILL_CLIENT " + id).tag());
            SQLException e = assertThrows(SQLException.class, () -> st.execute("SELECT 1"));
            assertTrue(e.getMessage().contains("admin forced disconnect") || "08006".equals(e.getSQLState()),
                    e.getMessage());
            assertEquals("client not found", admin.query("KILL_CLIENT " + id).error());
        }
    }

    @Test
    void reconnectOfTheAdminDatabaseIsRefused() throws Exception {
        try (SimpleQueryClient c = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD)) {
            assertEquals("RECONNECT", c.query("RECONNECT " + PostgresExtension.DATABASE).tag());
            assertTrue(c.query("RECONNECT pgbouncer").error().contains("pgbouncer"));
        }
    }

    @Test
    void maxClientConnDoesNotCountAdminConsoleClients(TestPostgres postgres) throws Exception {
        try (PgmuxServer full = builder(postgres).set("max_client_conn", "1").start();
                Connection client = full.connect()) {
            try (SimpleQueryClient admin = SimpleQueryClient.login(full, "pgbouncer", ADMIN, ADMIN_PASSWORD)) {
                assertEquals(PgmuxVersion.text(), admin.query("SHOW VERSION").rows().get(0).get(0));
                SQLException e = assertThrows(SQLException.class, () -> full.connect().close());
                assertTrue(e.getMessage().contains("max_client_conn"), e.getMessage());
            }
        }
    }

    @Test
    void withAuthTypeAnyEveryUserGetsInButOnlyAdminUsersMayAct(TestPostgres postgres) throws Exception {
        try (PgmuxServer any = builder(postgres).set("auth_type", "any").start()) {
            try (SimpleQueryClient outsider = SimpleQueryClient.login(any, "pgbouncer", OUTSIDER, "")) {
                assertEquals(PgmuxVersion.text(), outsider.query("SHOW VERSION").rows().get(0).get(0));
                assertEquals("admin access needed", outsider.query("RELOAD").error());
            }
            try (SimpleQueryClient admin = SimpleQueryClient.login(any, "pgbouncer", ADMIN, "")) {
                assertEquals("RELOAD", admin.query("RELOAD").tag());
            }
        }
    }

    @Test
    void shutdownStopsPgmux(TestPostgres postgres) throws Exception {
        try (PgmuxServer doomed = builder(postgres).start()) {
            try (SimpleQueryClient admin = SimpleQueryClient.login(doomed, "pgbouncer", ADMIN, ADMIN_PASSWORD)) {
                admin.raw().send(RawPgClient.query("SHUTDOWN"));
                assertTrue(admin.raw().closedByPeer(), "no reply: the connection ends with the process");
            }
            assertThrows(IOException.class, () -> RawPgClient.connect(doomed.port()).close());
        }
    }

    @Test
    void psqlShowsPools() throws Exception {
        assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
        ExternalCommand.Result r = ExternalCommand.run(Duration.ofSeconds(30), ADMIN_PASSWORD, List.of("psql", "-X",
                "-A", "-h", "127.0.0.1", "-p", String.valueOf(pgmux.port()), "-U", ADMIN, "-d", "pgbouncer", "-c",
                "SHOW POOLS"));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().startsWith(String.join("|", POOLS_COLUMNS) + "\n"), r.output());
        assertTrue(r.output().contains("\npgbouncer|pgbouncer|"), r.output());
    }

    @Test
    void userPgbouncerOverTheUnixSocketFromPgmuxsOwnOsUserNeedsNoPassword() throws Exception {
        assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
        ExternalCommand.Result r = ExternalCommand.run(Duration.ofSeconds(30), "not the password", List.of("psql",
                "-X", "-A", "-t", "-w", "-h", pgmux.dir().toString(), "-p", String.valueOf(pgmux.port()), "-U",
                "pgbouncer", "-d", "pgbouncer", "-c", "SHOW VERSION"));
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(PgmuxVersion.text() + "\n", r.output());
    }

    @Test
    void userPgbouncerOverTcpIsNotLetIn() throws Exception {
        IOException e = assertThrows(IOException.class, () -> SimpleQueryClient.login(pgmux, "pgbouncer", "anything"));
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
    }

    private static Map<String, String> testPool(SimpleQueryClient admin) throws IOException {
        return admin.query("SHOW POOLS").maps().stream()
                .filter(r -> PostgresExtension.DATABASE.equals(r.get("database"))
                        && PostgresExtension.SCRAM_USER.equals(r.get("user")))
                .findFirst().orElseThrow(() -> new AssertionError("no pool of the test database"));
    }

    private static Map<String, String> awaitPool(SimpleQueryClient admin, Predicate<Map<String, String>> condition)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Map<String, String> pool = testPool(admin);
        while (!condition.test(pool) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            pool = testPool(admin);
        }
        assertTrue(condition.test(pool), pool.toString());
        return pool;
    }

    private static byte[] cstring(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }
}
