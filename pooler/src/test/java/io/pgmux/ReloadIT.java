package io.pgmux;

import static io.pgmux.testing.Sql.assertFatal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.testing.Await;
import io.pgmux.testing.Console;
import io.pgmux.testing.PgWireClient;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.QueryLoad;
import io.pgmux.testing.Sql;
import io.pgmux.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.util.PSQLException;

/**
 * RELOAD after pgbouncer.ini was edited on disk, against a real PostgreSQL: pool sizes reach running pools (under
 * load, without a failed query), databases come and go (the clients of a removed one get PgBouncer's "database
 * removed"), a changed connection string moves the pool to the new target as each server is released, and a broken
 * file changes nothing.
 */
@ExtendWith(PostgresExtension.class)
class ReloadIT {
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin pass";
    private static final String DB = PostgresExtension.DATABASE;
    private static final String USER = PostgresExtension.SCRAM_USER;
    private static final String PASSWORD = PostgresExtension.SCRAM_PASSWORD;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aLoweredPoolSizeCapsTheServersOfARunningPoolWithoutFailingAQuery(TestPostgres postgres) throws Exception {
        try (Connection monitor = postgres.superuser()) {
            Timestamp since = postgres.now(monitor);
            try (PgmuxServer pgmux = builder(postgres).set("pool_mode", "transaction").set("default_pool_size", "4")
                    .start();
                    Connection console = Console.connect(pgmux, ADMIN, ADMIN_PASSWORD);
                    QueryLoad load = QueryLoad.start(pgmux, 8, "SELECT pg_sleep(0.01)")) {
                Await.until(WAIT, "the load uses 4 servers", () -> postgres.backendsSince(monitor, USER, since) == 4);

                pgmux.editIni(ini -> ini.replace("default_pool_size = 4", "default_pool_size = 1"));
                Console.run(console, "RELOAD");

                Await.until(WAIT, "one server left in PostgreSQL and in SHOW POOLS",
                        () -> postgres.backendsSince(monitor, USER, since) == 1
                                && Console.servers(Console.pool(console, DB, USER)) == 1);
                long before = load.completed();
                Await.until(WAIT, "the load goes on", () -> load.completed() > before + 50);
                Await.during(Duration.ofSeconds(2), "never more than one server",
                        () -> postgres.backendsSince(monitor, USER, since) <= 1);
            }
        }
    }

    @Test
    void aRaisedPoolSizeServesAWaitingClientAtOnce(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = builder(postgres).set("pool_mode", "transaction").set("default_pool_size", "1")
                .start();
                Connection console = Console.connect(pgmux, ADMIN, ADMIN_PASSWORD);
                Connection holder = Sql.connect(pgmux);
                Connection waiter = Sql.connect(pgmux)) {
            holder.setAutoCommit(false);
            Sql.value(holder, "SELECT 1");
            CompletableFuture<String> served = Sql.valueLater(waiter, "SELECT 'served'");
            Await.until(WAIT, "the second client waits", () -> "1".equals(waiting(console)));
            Await.during(Duration.ofMillis(1500), "it waits while the pool is full",
                    () -> "1".equals(waiting(console)));

            pgmux.editIni(ini -> ini.replace("default_pool_size = 1", "default_pool_size = 2"));
            Console.run(console, "RELOAD");

            assertEquals("served", served.get(WAIT.toSeconds(), TimeUnit.SECONDS),
                    "served while the first client still holds its server");
            assertEquals("1", Sql.value(holder, "SELECT 1"), "the first client's transaction goes on");
            holder.commit();
            assertEquals(2, Console.servers(Console.pool(console, DB, USER)));
        }
    }

    @Test
    void aUsersLineReachesAConnectedClientsPool(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = builder(postgres).set("default_pool_size", "1").start();
                Connection console = Console.connect(pgmux, ADMIN, ADMIN_PASSWORD);
                Connection first = Sql.connect(pgmux)) {
            int backend = Sql.pid(first);
            assertEquals("session", Console.pool(console, DB, USER).get("pool_mode"));

            pgmux.editIni(ini -> ini.replace("[users]\n", "[users]\n" + USER + " = pool_mode=transaction\n"));
            Console.run(console, "RELOAD");

            assertEquals(backend, Sql.pid(first), "the session's server, released when this statement ends");
            try (Connection second = Sql.connect(pgmux)) {
                assertEquals(backend, Sql.pid(second), "in transaction mode the one server serves both clients");
            }
            assertEquals("transaction", Console.pool(console, DB, USER).get("pool_mode"));
        }
    }

    @Test
    void anAddedDatabaseIsUsableAtOnce(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = builder(postgres).start();
                Connection console = Console.connect(pgmux, ADMIN, ADMIN_PASSWORD)) {
            assertFatal(assertThrows(SQLException.class, () -> Sql.connect(pgmux, "added", USER, PASSWORD)),
                    PgBouncerErrors.noSuchDatabase("added"));

            pgmux.editIni(ini -> ini.replace("[databases]\n", "[databases]\nadded = host=127.0.0.1 port="
                    + postgres.port() + " dbname=" + DB + "\n"));
            Console.run(console, "RELOAD");

            try (Connection c = Sql.connect(pgmux, "added", USER, PASSWORD)) {
                assertEquals(DB, Sql.value(c, "SELECT current_database()"));
            }
            assertTrue(Console.show(console, "SHOW DATABASES").stream().anyMatch(r -> "added".equals(r.get("name"))));
        }
    }

    @Test
    @Timeout(120)
    void theClientsOfARemovedDatabaseGetDatabaseRemovedAndOthersGoOn(TestPostgres postgres) throws Exception {
        try (Connection monitor = postgres.superuser();
                PgmuxServer pgmux = builder(postgres).database(DB + " = host=127.0.0.1 port=${pgport}")
                        .database("doomed = host=127.0.0.1 port=${pgport} dbname=" + DB).start();
                Connection console = Console.connect(pgmux, ADMIN, ADMIN_PASSWORD);
                PgWireClient idle = PgWireClient.connect(address(pgmux), USER, PASSWORD, "doomed");
                PgWireClient inTransaction = PgWireClient.connect(address(pgmux), USER, PASSWORD, "doomed");
                Connection other = Sql.connect(pgmux)) {
            int idleBackend = Integer.parseInt(idle.query("SELECT pg_backend_pid()").single());
            inTransaction.query("BEGIN");
            assertEquals('T', inTransaction.query("SELECT 1").transactionStatus());
            other.setAutoCommit(false);
            Sql.value(other, "SELECT 1");

            pgmux.editIni(ini -> ini.replaceAll("(?m)^doomed = .*\n", ""));
            Console.run(console, "RELOAD");

            for (PgWireClient dropped : new PgWireClient[] {idle, inTransaction}) {
                PgWireClient.Message error = dropped.read();
                assertEquals('E', error.type());
                Map<Character, String> fields = PgWireClient.fields(error.body());
                assertEquals("FATAL", fields.get('S'));
                assertEquals(PgBouncerErrors.PROTOCOL_VIOLATION, fields.get('C'));
                assertEquals(PgBouncerErrors.DATABASE_REMOVED, fields.get('M'));
                dropped.awaitClosed();
            }
            Await.until(WAIT, "the removed database's server is closed",
                    () -> !Sql.backendAlive(monitor, idleBackend));
            assertEquals("2", Sql.value(other, "SELECT 2"), "a client of another database is not touched");
            other.commit();
            assertFatal(assertThrows(SQLException.class, () -> Sql.connect(pgmux, "doomed", USER, PASSWORD)),
                    PgBouncerErrors.noSuchDatabase("doomed"));
            assertFalse(Console.show(console, "SHOW POOLS").stream().anyMatch(r -> "doomed".equals(r.get("database"))));
        }
    }

    @Test
    void aChangedDbnameMovesThePoolToTheNewTargetAsEachServerIsReleased(TestPostgres postgres) throws Exception {
        try (Connection monitor = postgres.superuser();
                PgmuxServer pgmux = builder(postgres).set("pool_mode", "transaction").start();
                Connection console = Console.connect(pgmux, ADMIN, ADMIN_PASSWORD);
                Connection c = Sql.connect(pgmux)) {
            c.setAutoCommit(false);
            assertEquals(DB, Sql.value(c, "SELECT current_database()"));
            int oldBackend = Sql.pid(c);

            pgmux.editIni(ini -> ini.replace(DB + " = host=127.0.0.1 port=" + postgres.port() + "\n",
                    DB + " = host=127.0.0.1 port=" + postgres.port() + " dbname=postgres\n"));
            Console.run(console, "RELOAD");

            assertEquals(DB, Sql.value(c, "SELECT current_database()"), "the open transaction keeps its server");
            assertEquals(oldBackend, Sql.pid(c));
            c.commit();
            Await.until(WAIT, "the old server is closed once released", () -> !Sql.backendAlive(monitor, oldBackend));
            assertEquals("postgres", Sql.value(c, "SELECT current_database()"), "the next transaction: new target");
            c.commit();
            try (Connection fresh = Sql.connect(pgmux)) {
                assertEquals("postgres", Sql.value(fresh, "SELECT current_database()"));
            }
        }
    }

    @Test
    void aBrokenFileKeepsTheRunningConfigWhole(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = builder(postgres).set("default_pool_size", "2").start();
                Connection console = Console.connect(pgmux, ADMIN, ADMIN_PASSWORD);
                Connection inTransaction = Sql.connect(pgmux)) {
            inTransaction.setAutoCommit(false);
            Sql.value(inTransaction, "SELECT 1");

            pgmux.editIni(ini -> ini.replace("default_pool_size = 2", "default_pool_size = 5")
                    .replace("[databases]\n", "[databases]\nlater = host=127.0.0.1 port=" + postgres.port()
                            + " dbname=" + DB + "\n")
                    + "max_client_conn = lots\n");
            SQLException e = assertThrows(SQLException.class, () -> Console.run(console, "RELOAD"));
            PSQLException error = assertInstanceOf(PSQLException.class, e);
            assertNotNull(error.getServerErrorMessage(), e.toString());
            assertEquals("ERROR", error.getServerErrorMessage().getSeverity());
            assertEquals("F0000", error.getSQLState());
            assertEquals("RELOAD failed, see logs for additional details", error.getServerErrorMessage().getMessage());

            assertEquals("2", Console.config(console, "default_pool_size"), "the console goes on, with the old value");
            assertEquals("100", Console.config(console, "max_client_conn"));
            assertFatal(assertThrows(SQLException.class, () -> Sql.connect(pgmux, "later", USER, PASSWORD)),
                    PgBouncerErrors.noSuchDatabase("later"));
            assertEquals("1", Sql.value(inTransaction, "SELECT 1"), "a client in a transaction is not touched");
            inTransaction.commit();
            Sql.assertServes(pgmux);
        }
    }

    private static PgmuxServer.Builder builder(TestPostgres postgres) {
        return PgmuxServer.builder(postgres).set("admin_users", ADMIN)
                .userlist(line(USER, PASSWORD) + line(ADMIN, ADMIN_PASSWORD));
    }

    private static String line(String user, String password) {
        return "\"" + user + "\" \"" + password + "\"\n";
    }

    private static String waiting(Connection console) throws SQLException {
        Map<String, String> pool = Console.pool(console, DB, USER);
        return pool == null ? null : pool.get("cl_waiting");
    }

    private static InetSocketAddress address(PgmuxServer pgmux) {
        return new InetSocketAddress("127.0.0.1", pgmux.port());
    }
}
