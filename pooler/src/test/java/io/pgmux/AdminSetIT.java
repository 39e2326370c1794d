package io.pgmux;

import static io.pgmux.testing.Sql.assertFatal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.admin.AdminNotice;
import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.testing.Await;
import io.pgmux.testing.Console;
import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.QueryLoad;
import io.pgmux.testing.Sql;
import io.pgmux.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.util.PSQLException;

/**
 * SET key = value on the admin console, through pgjdbc's simple-query mode and psql: a changeable key is put in force
 * as RELOAD would (SHOW CONFIG shows it, running pools obey it), anything else gets PgBouncer's "SET failed", a stats
 * user may not SET, and RELOAD puts the file's value back.
 */
@ExtendWith(PostgresExtension.class)
class AdminSetIT {
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin pass";
    private static final String STATS = "stats";
    private static final String STATS_PASSWORD = "stats pass";
    private static final String DB = PostgresExtension.DATABASE;
    private static final String USER = PostgresExtension.SCRAM_USER;
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** One pgmux for the tests that change nothing or put back what they change. */
    private static PgmuxServer shared;

    @BeforeAll
    static void start(TestPostgres postgres) {
        shared = builder(postgres).start();
    }

    @AfterAll
    static void stop() {
        shared.close();
    }

    @Test
    void setDefaultPoolSizeResizesTheRunningPool(TestPostgres postgres) throws Exception {
        try (Connection monitor = postgres.superuser()) {
            Timestamp since = postgres.now(monitor);
            try (PgmuxServer pgmux = builder(postgres).set("pool_mode", "transaction").set("default_pool_size", "3")
                    .start();
                    Connection console = Console.connect(pgmux, ADMIN, ADMIN_PASSWORD);
                    QueryLoad load = QueryLoad.start(pgmux, 6, "SELECT pg_sleep(0.01)")) {
                Await.until(WAIT, "the load uses 3 servers", () -> postgres.backendsSince(monitor, USER, since) == 3);

                assertEquals(List.of(), Console.run(console, "SET default_pool_size = 1"));

                assertEquals("1", Console.config(console, "default_pool_size"));
                Await.until(WAIT, "one server left", () -> postgres.backendsSince(monitor, USER, since) == 1
                        && Console.servers(Console.pool(console, DB, USER)) == 1);
                long before = load.completed();
                Await.until(WAIT, "the load goes on", () -> load.completed() > before + 50);
            }
        }
    }

    @Test
    void setQueryWaitTimeoutReachesAClientAlreadyWaiting(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = builder(postgres).set("pool_mode", "transaction").set("default_pool_size", "1")
                .start();
                Connection console = Console.connect(pgmux, ADMIN, ADMIN_PASSWORD);
                Connection holder = Sql.connect(pgmux);
                Connection waiter = Sql.connect(pgmux)) {
            holder.setAutoCommit(false);
            Sql.value(holder, "SELECT 1");
            CompletableFuture<String> waiting = Sql.valueLater(waiter, "SELECT 1");
            Await.until(WAIT, "the second client waits",
                    () -> "1".equals(Console.pool(console, DB, USER).get("cl_waiting")));
            assertEquals("120", Console.config(console, "query_wait_timeout"));

            Console.run(console, "SET query_wait_timeout = 1");

            // With 120 s the query would outlast the client's socket timeout (see Sql) and fail otherwise.
            ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(60, TimeUnit.SECONDS));
            assertFatal(assertInstanceOf(SQLException.class, e.getCause()), PgBouncerErrors.QUERY_WAIT_TIMEOUT);
            assertEquals("1", Sql.value(holder, "SELECT 1"), "the client holding the server goes on");
            holder.commit();
        }
    }

    @Test
    void psqlSeesPgBouncersTagForSet() throws Exception {
        assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
        ExternalCommand.Result r = ExternalCommand.run(WAIT, ADMIN_PASSWORD, List.of("psql", "-X", "-h", "127.0.0.1",
                "-p", String.valueOf(shared.port()), "-U", ADMIN, "-d", "pgbouncer", "-c",
                "SET server_idle_timeout = 300", "-c", "SHOW CONFIG"));
        try {
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().startsWith("SET server_idle_timeout=300\n"), r.output());
            assertTrue(r.output().lines().anyMatch(l -> l.matches(" server_idle_timeout +\\| 300 +\\| 600 +\\| yes")),
                    r.output());
        } finally {
            try (Connection console = Console.connect(shared, ADMIN, ADMIN_PASSWORD)) {
                Console.run(console, "RELOAD");
            }
        }
    }

    @ParameterizedTest(name = "SET {0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "listen_port | 1",
        "unix_socket_dir | /",
        "track_extra_parameters | search_path",
        "transport | nio",
        "event_loops | 1",
        "no_such_setting | 1",
        "default_pool_size | many",
        "pool_mode | sometimes",
        "query_wait_timeout | soon",
        "auth_type | magic",
        "log_connections | perhaps"
    })
    void setOfAKeyThatCannotChangeOrOfAnInvalidValueFailsAndChangesNothing(String key, String value)
            throws SQLException {
        try (Connection console = Console.connect(shared, ADMIN, ADMIN_PASSWORD)) {
            List<String> before = Console.show(console, "SHOW CONFIG").stream().map(r -> r.get("key") + "="
                    + r.get("value")).toList();
            SQLException e = assertThrows(SQLException.class, () -> Console.run(console, "SET " + key + " = '"
                    + value + "'"));
            assertConsoleError(e, "SET failed");
            assertEquals(before, Console.show(console, "SHOW CONFIG").stream().map(r -> r.get("key") + "="
                    + r.get("value")).toList());
        }
    }

    @Test
    void aStatsUserMayNotSet() throws SQLException {
        try (Connection console = Console.connect(shared, STATS, STATS_PASSWORD)) {
            assertConsoleError(assertThrows(SQLException.class, () -> Console.run(console,
                    "SET default_pool_size = 5")), "admin access needed");
            assertEquals("20", Console.config(console, "default_pool_size"));
        }
    }

    @Test
    void reloadPutsTheFilesValueBack() throws SQLException {
        try (Connection console = Console.connect(shared, ADMIN, ADMIN_PASSWORD)) {
            Console.run(console, "SET max_client_conn = 250");
            assertEquals("250", Console.config(console, "max_client_conn"));
            Console.run(console, "RELOAD");
            assertEquals("150", Console.config(console, "max_client_conn"));
        }
    }

    @Test
    void aTlsSettingThatCannotBeUsedIsStoredWithPgBouncersNoticeAndTheOldTlsStays(TestPostgres postgres)
            throws Exception {
        try (PgmuxServer pgmux = builder(postgres).start();
                Connection console = Console.connect(pgmux, ADMIN, ADMIN_PASSWORD)) {
            assertEquals(List.of(AdminNotice.TLS_NOT_APPLIED.message()),
                    Console.run(console, "SET client_tls_sslmode = require"));
            assertEquals("require", Console.config(console, "client_tls_sslmode"));
            Sql.assertServes(pgmux);
        }
    }

    private static PgmuxServer.Builder builder(TestPostgres postgres) {
        return PgmuxServer.builder(postgres).set("admin_users", ADMIN).set("stats_users", STATS)
                .set("max_client_conn", "150")
                .userlist(line(USER, PostgresExtension.SCRAM_PASSWORD) + line(ADMIN, ADMIN_PASSWORD)
                        + line(STATS, STATS_PASSWORD));
    }

    private static String line(String user, String password) {
        return "\"" + user + "\" \"" + password + "\"\n";
    }

    /** PgBouncer's admin errors: severity ERROR, SQLSTATE 08P01, the session goes on. */
    private static void assertConsoleError(SQLException e, String message) {
        PSQLException pe = assertInstanceOf(PSQLException.class, e);
        assertNotNull(pe.getServerErrorMessage(), e.toString());
        assertEquals("ERROR", pe.getServerErrorMessage().getSeverity());
        assertEquals(PgBouncerErrors.PROTOCOL_VIOLATION, pe.getSQLState());
        assertEquals(message, pe.getServerErrorMessage().getMessage());
    }
}
