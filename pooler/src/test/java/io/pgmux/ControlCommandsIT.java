package io.pgmux;

import static io.pgmux.testing.Sql.assertFatal;
import static io.pgmux.testing.Sql.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.testing.Await;
import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.RawPgClient;
import io.pgmux.testing.SimpleQueryClient;
import io.pgmux.testing.Sql;
import io.pgmux.testing.TestPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PAUSE, RESUME, KILL, RECONNECT with WAIT_CLOSE and SUSPEND on the admin console against a real PostgreSQL, with
 * pgjdbc clients under load: what the clients see (queries that wait and then complete, or PgBouncer's errors), what
 * SHOW STATE, SHOW POOLS and SHOW DATABASES say meanwhile, the order in which commands answer, and PgBouncer's
 * refusals.
 */
@ExtendWith(PostgresExtension.class)
class ControlCommandsIT {
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin pass";
    private static final String STATS = "stats";
    private static final String STATS_PASSWORD = "stats pass";
    private static final String DB = PostgresExtension.DATABASE;
    /** A second name for the same PostgreSQL database, to pause one database and not the other. */
    private static final String OTHER_DB = "otherdb";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static PgmuxServer.Builder transactionPooling(TestPostgres postgres) {
        return PgmuxServer.builder(postgres)
                .set("pool_mode", "transaction")
                .set("auth_type", "plain")
                .set("admin_users", ADMIN)
                .set("stats_users", STATS)
                .database(DB + " = host=127.0.0.1 port=${pgport}")
                .database(OTHER_DB + " = host=127.0.0.1 port=${pgport} dbname=" + DB)
                .userlist(line(PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD)
                        + line(ADMIN, ADMIN_PASSWORD) + line(STATS, STATS_PASSWORD));
    }

    private static String line(String user, String password) {
        return "\"" + user + "\" \"" + password + "\"\n";
    }

    private static SimpleQueryClient admin(PgmuxServer pgmux) throws IOException {
        return SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD);
    }

    // ---- PAUSE and RESUME ----

    @Test
    void pauseUnderLoadThenResumeCompletesEveryQuery(TestPostgres postgres) throws Exception {
        int clients = 6;
        try (PgmuxServer pgmux = transactionPooling(postgres).set("default_pool_size", "2").start();
                SimpleQueryClient admin = admin(pgmux)) {
            AtomicBoolean running = new AtomicBoolean(true);
            List<AtomicLong> done = new ArrayList<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> load = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    AtomicLong count = new AtomicLong();
                    done.add(count);
                    load.add(pool.submit(() -> runTransactions(pgmux, running, count, failures)));
                }
                Await.until(WAIT, "every client ran transactions", () -> done.stream().allMatch(n -> n.get() > 2));

                assertEquals("PAUSE", admin.query("PAUSE").tag());
                Map<String, String> state = admin.query("SHOW STATE").pairs();
                assertEquals("yes", state.get("paused"), state.toString());
                assertEquals("no", state.get("active"), state.toString());
                // PAUSE answered once every server was gone; clients that send their next query wait for one.
                Await.until(WAIT, "the clients wait, no server is left", () -> {
                    Map<String, String> p = testPool(admin);
                    return p.get("cl_waiting").equals(String.valueOf(clients)) && serverCount(p) == 0;
                });
                long[] atResume = done.stream().mapToLong(AtomicLong::get).toArray();

                assertEquals("RESUME", admin.query("RESUME").tag());
                assertEquals("yes", admin.query("SHOW STATE").pairs().get("active"));
                Await.until(WAIT, "every client goes on after RESUME", () -> {
                    for (int i = 0; i < clients; i++) {
                        if (done.get(i).get() <= atResume[i] + 2) {
                            return false;
                        }
                    }
                    return true;
                });
            } finally {
                running.set(false);
                for (Future<?> f : load) {
                    f.get(30, TimeUnit.SECONDS);
                }
                pool.shutdownNow();
            }
            assertTrue(failures.isEmpty(), () -> "queries failed: " + failures);
        }
    }

    /** A client's stream of transactions until told to stop; each failure is kept, and the stream goes on. */
    private static void runTransactions(PgmuxServer pgmux, AtomicBoolean running, AtomicLong done,
            ConcurrentLinkedQueue<Throwable> failures) {
        try (Connection c = Sql.connect(pgmux); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            while (running.get()) {
                try {
                    st.execute("SELECT 1");
                    assertEquals("2", value(c, "SELECT 1 + 1"));
                    c.commit();
                    done.incrementAndGet();
                } catch (SQLException | RuntimeException | AssertionError e) {
                    failures.add(e);
                }
            }
        } catch (SQLException e) {
            failures.add(e);
        }
    }

    @Test
    void pauseAnswersOnlyAfterTheOpenTransactionEnds(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).start();
                SimpleQueryClient pausing = admin(pgmux);
                SimpleQueryClient watcher = admin(pgmux);
                Connection client = Sql.connect(pgmux)) {
            client.setAutoCommit(false);
            value(client, "SELECT 1");
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            CompletableFuture<SimpleQueryClient.Result> answer = answerLater(pausing, "PAUSE", order);
            Await.until(WAIT, "the pooler is paused", () -> "yes".equals(watcher.query("SHOW STATE").pairs()
                    .get("paused")));
            assertEquals(1, serverCount(testPool(watcher)), "the transaction keeps its server");
            assertFalse(answer.isDone(), "PAUSE waits for the transaction's server");

            // Noted before it is sent: the answer may overtake commit()'s return, never the COMMIT itself.
            order.add("COMMIT");
            client.commit();
            assertEquals("PAUSE", answer.get(20, TimeUnit.SECONDS).tag());
            assertEquals(List.of("COMMIT", "PAUSE"), List.copyOf(order));
            assertEquals(0, serverCount(testPool(watcher)), "the released server was closed");
            assertEquals("RESUME", watcher.query("RESUME").tag());
            assertEquals("1", value(client, "SELECT 1"));
        }
    }

    @Test
    void pauseOfOneDatabaseLeavesTheOthersServing(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).start(); SimpleQueryClient admin = admin(pgmux);
                Connection paused = Sql.connect(pgmux);
                Connection other = Sql.connect(pgmux, OTHER_DB, PostgresExtension.SCRAM_USER,
                        PostgresExtension.SCRAM_PASSWORD)) {
            assertEquals("PAUSE", admin.query("PAUSE " + DB).tag());
            Map<String, String> state = admin.query("SHOW STATE").pairs();
            assertEquals("yes", state.get("active"), "a database pause is not the pooler's: " + state);
            assertEquals(List.of("1", "0"), List.of(databaseRow(admin, DB).get("paused"),
                    databaseRow(admin, OTHER_DB).get("paused")));

            CompletableFuture<String> waiting = Sql.valueLater(paused, "SELECT 'late'");
            assertEquals("served", value(other, "SELECT 'served'"));
            Await.until(WAIT, "the paused database's client waits",
                    () -> "1".equals(testPool(admin).get("cl_waiting")));
            assertEquals("database " + OTHER_DB + " is not paused", admin.query("RESUME " + OTHER_DB).error());

            assertEquals("RESUME", admin.query("RESUME " + DB).tag());
            assertEquals("late", waiting.get(20, TimeUnit.SECONDS));
            assertEquals("0", databaseRow(admin, DB).get("paused"));
        }
    }

    @Test
    void aClientWaitingDuringPauseStillHasQueryWaitTimeoutAsInPgBouncer(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("query_wait_timeout", "1").start();
                SimpleQueryClient admin = admin(pgmux); Connection client = Sql.connect(pgmux)) {
            assertEquals("PAUSE", admin.query("PAUSE").tag());
            SQLException e = assertThrows(SQLException.class, () -> value(client, "SELECT 1"));
            assertFatal(e, PgBouncerErrors.QUERY_WAIT_TIMEOUT);
            assertEquals("RESUME", admin.query("RESUME").tag());
            Sql.assertServes(pgmux);
        }
    }

    @Test
    void psqlPausesAndResumes(TestPostgres postgres) throws Exception {
        assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
        try (PgmuxServer pgmux = transactionPooling(postgres).start(); Connection client = Sql.connect(pgmux)) {
            assertEquals("1", value(client, "SELECT 1"));
            assertEquals("PAUSE\n", psql(pgmux, "PAUSE").output());
            assertEquals("active|no\npaused|yes\nsuspended|no\n", psql(pgmux, "SHOW STATE").output());
            CompletableFuture<String> waiting = Sql.valueLater(client, "SELECT 'late'");
            assertEquals("RESUME\n", psql(pgmux, "RESUME").output());
            assertEquals("late", waiting.get(20, TimeUnit.SECONDS));
        }
    }

    private static ExternalCommand.Result psql(PgmuxServer pgmux, String command) throws Exception {
        ExternalCommand.Result r = ExternalCommand.run(WAIT, ADMIN_PASSWORD, List.of("psql", "-X", "-A", "-t",
                "-h", "127.0.0.1", "-p", String.valueOf(pgmux.port()), "-U", ADMIN, "-d", "pgbouncer", "-c",
                command));
        assertEquals(0, r.exitCode(), r.output());
        return r;
    }

    @Test
    void refusalsArePgBouncers(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).start(); SimpleQueryClient admin = admin(pgmux);
                SimpleQueryClient stats = SimpleQueryClient.login(pgmux, STATS, STATS_PASSWORD)) {
            for (String command : List.of("PAUSE", "RESUME", "SUSPEND", "KILL", "WAIT_CLOSE", "KILL " + DB,
                    "SHUTDOWN WAIT_FOR_CLIENTS", "KILL_CLIENT 1")) {
                assertEquals("admin access needed", stats.query(command).error(), command);
            }
            assertEquals("pooler is not paused/suspended", admin.query("RESUME").error());
            assertEquals("database " + DB + " is not paused", admin.query("RESUME " + DB).error());
            assertEquals("no such database: nosuch", admin.query("RESUME nosuch").error());
            assertEquals("no such database: nosuch", admin.query("PAUSE nosuch").error());
            assertEquals("no such database: nosuch", admin.query("KILL nosuch").error());
            assertEquals("no such database: nosuch", admin.query("WAIT_CLOSE nosuch").error());
            assertEquals("cannot pause admin db: pgbouncer", admin.query("PAUSE pgbouncer").error());
            assertEquals("cannot kill admin db: pgbouncer", admin.query("KILL pgbouncer").error());
            assertEquals("cannot wait in admin db: pgbouncer", admin.query("WAIT_CLOSE pgbouncer").error());
            assertEquals("database pgbouncer is not paused", admin.query("RESUME pgbouncer").error());

            assertEquals("PAUSE", admin.query("PAUSE " + DB).tag());
            assertEquals("cannot suspend with paused databases", admin.query("SUSPEND").error());
            assertEquals("PAUSE", admin.query("PAUSE").tag());
            for (String command : List.of("PAUSE", "PAUSE " + OTHER_DB, "KILL", "SUSPEND")) {
                assertEquals("already suspended/paused", admin.query(command).error(), command);
            }
            assertEquals("RESUME", admin.query("RESUME").tag());
            assertEquals("yes", admin.query("SHOW STATE").pairs().get("active"));
            assertEquals("1", databaseRow(admin, DB).get("paused"), "RESUME of all leaves PAUSE db in force");
            assertEquals("RESUME", admin.query("RESUME " + DB).tag());
            Sql.assertServes(pgmux);
        }
    }

    // ---- KILL ----

    @Test
    void killDropsTheDatabasesClientsAndNewOnesWaitUntilResume(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).start(); SimpleQueryClient admin = admin(pgmux);
                Connection inTransaction = Sql.connect(pgmux); Connection idle = Sql.connect(pgmux);
                Connection other = Sql.connect(pgmux, OTHER_DB, PostgresExtension.SCRAM_USER,
                        PostgresExtension.SCRAM_PASSWORD)) {
            inTransaction.setAutoCommit(false);
            assertEquals("1", value(inTransaction, "SELECT 1"));
            assertEquals("1", value(idle, "SELECT 1"));

            assertEquals("KILL", admin.query("KILL " + DB).tag());
            assertEquals("1", databaseRow(admin, DB).get("paused"), "KILL leaves the database paused");
            assertEquals(0, serverCount(testPool(admin)), "the servers are gone at once");
            SQLException e = assertThrows(SQLException.class, () -> value(inTransaction, "SELECT 1"));
            assertFatal(e, PgBouncerErrors.DATABASE_REMOVED);
            assertFatal(assertThrows(SQLException.class, () -> value(idle, "SELECT 1")),
                    PgBouncerErrors.DATABASE_REMOVED);
            assertEquals("other", value(other, "SELECT 'other'"), "another database is not touched");

            CompletableFuture<String> newcomer = CompletableFuture.supplyAsync(() -> {
                try (Connection c = Sql.connect(pgmux)) {
                    return value(c, "SELECT 'after resume'");
                } catch (SQLException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            Await.until(WAIT, "a new client waits", () -> "1".equals(testPool(admin).get("cl_waiting")));
            assertEquals("RESUME", admin.query("RESUME " + DB).tag());
            assertEquals("after resume", newcomer.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void killOfAllPausesEveryDatabaseThatHadAPool(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).start(); SimpleQueryClient admin = admin(pgmux);
                Connection client = Sql.connect(pgmux)) {
            assertEquals("1", value(client, "SELECT 1"));
            assertEquals("KILL", admin.query("KILL").tag());
            assertFatal(assertThrows(SQLException.class, () -> value(client, "SELECT 1")),
                    PgBouncerErrors.DATABASE_REMOVED);
            assertEquals("1", databaseRow(admin, DB).get("paused"));
            assertEquals("0", databaseRow(admin, OTHER_DB).get("paused"), "it had no pool");
            // As in PgBouncer 1.25: the pooler itself is not paused, each database is.
            assertEquals("pooler is not paused/suspended", admin.query("RESUME").error());
            assertEquals("RESUME", admin.query("RESUME " + DB).tag());
            Sql.assertServes(pgmux);
        }
    }

    // ---- RECONNECT and WAIT_CLOSE ----

    @Test
    void waitCloseAnswersOnceTheReconnectedServerOfAnOpenTransactionIsReleased(TestPostgres postgres)
            throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).start(); SimpleQueryClient admin = admin(pgmux);
                SimpleQueryClient watcher = admin(pgmux); Connection client = Sql.connect(pgmux)) {
            assertEquals("WAIT_CLOSE", admin.query("WAIT_CLOSE").tag(), "nothing to wait for");
            client.setAutoCommit(false);
            int before = Sql.pid(client);
            assertEquals("RECONNECT", admin.query("RECONNECT " + DB).tag());
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            CompletableFuture<SimpleQueryClient.Result> answer = answerLater(admin, "WAIT_CLOSE " + DB, order);
            assertEquals(before, Sql.pid(client), "the transaction keeps its server");
            Await.during(Duration.ofSeconds(1), "WAIT_CLOSE waits for the marked server", () -> !answer.isDone());
            assertEquals(1, serverCount(testPool(watcher)));
            List<Map<String, String>> servers = watcher.query("SHOW SERVERS").maps();
            assertEquals(List.of("1"), servers.stream().map(server -> server.get("close_needed")).toList(),
                    "SHOW SERVERS marks the server RECONNECT asked to close");

            // Noted before it is sent: the answer may overtake commit()'s return, never the COMMIT itself.
            order.add("COMMIT");
            client.commit();
            assertEquals("WAIT_CLOSE", answer.get(20, TimeUnit.SECONDS).tag());
            assertEquals(List.of("COMMIT", "WAIT_CLOSE"), List.copyOf(order));
            assertTrue(before != Sql.pid(client), "the next transaction runs on a new server");
        }
    }

    // ---- SUSPEND ----

    @Test
    void suspendStopsEveryConnectionUntilResume(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).start(); SimpleQueryClient admin = admin(pgmux);
                Connection client = Sql.connect(pgmux)) {
            assertEquals("1", value(client, "SELECT 1"));
            assertEquals("SUSPEND", admin.query("SUSPEND").tag());
            Map<String, String> state = admin.query("SHOW STATE").pairs();
            assertEquals("yes", state.get("suspended"), state.toString());

            CompletableFuture<String> query = Sql.valueLater(client, "SELECT 'resumed'");
            CompletableFuture<String> login = CompletableFuture.supplyAsync(() -> {
                try (Connection c = Sql.connect(pgmux)) {
                    return value(c, "SELECT 'new client'");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.during(Duration.ofSeconds(2), "nothing is read while suspended",
                    () -> !query.isDone() && !login.isDone());
            assertEquals("already suspended/paused", admin.query("PAUSE").error());

            assertEquals("RESUME", admin.query("RESUME").tag());
            assertEquals("resumed", query.get(20, TimeUnit.SECONDS));
            assertEquals("new client", login.get(20, TimeUnit.SECONDS));
            assertEquals("yes", admin.query("SHOW STATE").pairs().get("active"));
        }
    }

    @Test
    void suspendClosesAClientThatDoesNotReadWithinSuspendTimeout(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("auth_type", "trust").set("suspend_timeout", "1")
                .start(); SimpleQueryClient admin = admin(pgmux); RawPgClient stuck = RawPgClient.connect(pgmux.port());
                Connection reader = Sql.connect(pgmux); Connection monitor = postgres.superuser()) {
            assertEquals("1", value(reader, "SELECT 1"));
            stuck.login(PostgresExtension.SCRAM_USER, DB);
            // Far more than the socket buffers hold, never read: pgmux's buffer for this client cannot empty.
            stuck.send(RawPgClient.query("SELECT repeat('x', 1000000) FROM generate_series(1, 64)"));
            // PostgreSQL waits in ClientWrite for a moment whenever pgmux reads slower than it writes, and for good
            // once pgmux stopped reading it, which pgmux does when it holds more for the client than the client takes.
            long[] blockedSince = {0};
            Await.until(WAIT, "pgmux's buffer for the client is full", () -> {
                boolean blocked = "1".equals(value(monitor,
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'ClientWrite'"));
                blockedSince[0] = !blocked ? 0 : blockedSince[0] == 0 ? System.nanoTime() : blockedSince[0];
                return blocked && System.nanoTime() - blockedSince[0] > Duration.ofSeconds(1).toNanos();
            });
            assertEquals("SUSPEND", admin.query("SUSPEND").tag(), "SUSPEND answers once suspend_timeout passed");
            Await.until(WAIT, "the client that did not read was closed", () -> admin.query("SHOW CLIENTS").maps()
                    .stream().noneMatch(c -> DB.equals(c.get("database")) && "".equals(c.get("application_name"))));
            assertEquals("RESUME", admin.query("RESUME").tag());
            assertEquals("1", value(reader, "SELECT 1"), "a client that had flushed goes on");
        }
    }

    @Test
    void suspendResumesByItselfWhenNoAdminIsLeft(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).start(); Connection client = Sql.connect(pgmux)) {
            try (SimpleQueryClient admin = admin(pgmux)) {
                assertEquals("SUSPEND", admin.query("SUSPEND").tag());
            }
            // As PgBouncer: nobody could connect to RESUME, so the last admin leaving resumes.
            assertEquals("back", query(client, "SELECT 'back'"));
            try (SimpleQueryClient admin = admin(pgmux)) {
                assertEquals("yes", admin.query("SHOW STATE").pairs().get("active"));
            }
        }
    }

    // ---- helpers ----

    /** Sends a command and reads its answer in the background, adding the answer's tag to {@code order}. */
    private static CompletableFuture<SimpleQueryClient.Result> answerLater(SimpleQueryClient admin, String command,
            ConcurrentLinkedQueue<String> order) throws IOException {
        admin.send(command);
        return CompletableFuture.supplyAsync(() -> {
            try {
                SimpleQueryClient.Result r = admin.readResult();
                order.add(r.tag());
                return r;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String query(Connection c, String sql) {
        try {
            return value(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> testPool(SimpleQueryClient admin) throws IOException {
        return admin.query("SHOW POOLS").maps().stream()
                .filter(r -> DB.equals(r.get("database")) && PostgresExtension.SCRAM_USER.equals(r.get("user")))
                .findFirst().orElseThrow(() -> new AssertionError("no pool of the test database"));
    }

    private static int serverCount(Map<String, String> pool) {
        int n = 0;
        for (String column : List.of("sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login")) {
            n += Integer.parseInt(pool.get(column));
        }
        return n;
    }

    private static Map<String, String> databaseRow(SimpleQueryClient admin, String name) throws IOException {
        return admin.query("SHOW DATABASES").maps().stream().filter(r -> name.equals(r.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no database " + name));
    }
}
