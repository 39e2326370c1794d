package io.pgmux.pool;

import static io.pgmux.testing.Sql.assertServes;
import static io.pgmux.testing.Sql.pid;
import static io.pgmux.testing.Sql.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.testing.Await;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.Sql;
import io.pgmux.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server limits: min_pool_size, the reserve pool, max_db_connections, max_user_connections and the per-database
 * and per-user pool settings. Each test checks how many servers PostgreSQL sees, that a client over a limit waits
 * (and is served once the limit allows), and that the pool serves a new client afterwards.
 */
@ExtendWith(PostgresExtension.class)
class LimitsIT {
    private static final String DB = PostgresExtension.DATABASE;
    private static final String SCRAM = PostgresExtension.SCRAM_USER;
    private static final String MD5 = PostgresExtension.MD5_USER;
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Long enough for the janitor to have run at least twice. */
    private static final Duration TWO_TICKS = Duration.ofMillis(2500);

    private ExecutorService threads;

    @BeforeEach
    void startThreads() {
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void minPoolSizeOpensServersOnceAClientIsConnected(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("default_pool_size", "5")
                .set("min_pool_size", "3").start();
             Connection monitor = postgres.superuser()) {
            Timestamp since = postgres.now(monitor);
            try (Connection c = Sql.connect(pgmux)) {
                assertEquals("1", value(c, "SELECT 1"));
                Await.until(WAIT, "min_pool_size servers open",
                        () -> backends(postgres, monitor, SCRAM, since) == 3);
                Await.during(TWO_TICKS, "no more than min_pool_size",
                        () -> backends(postgres, monitor, SCRAM, since) == 3);
            }
            // Without clients the pool is not refilled: servers that go away stay away, as in PgBouncer.
            terminateBackends(monitor, SCRAM, since);
            Await.until(WAIT, "servers gone", () -> backends(postgres, monitor, SCRAM, since) == 0);
            Await.during(TWO_TICKS, "no servers reopened for a pool without clients",
                    () -> backends(postgres, monitor, SCRAM, since) == 0);
            try (Connection c = Sql.connect(pgmux)) {
                assertEquals("2", value(c, "SELECT 2"));
                Await.until(WAIT, "min_pool_size kept again",
                        () -> backends(postgres, monitor, SCRAM, since) == 3);
            }
        }
    }

    @Test
    void minPoolSizeIsCappedByPoolSize(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("default_pool_size", "2")
                .set("min_pool_size", "4").start();
             Connection monitor = postgres.superuser()) {
            Timestamp since = postgres.now(monitor);
            try (Connection c = Sql.connect(pgmux)) {
                assertEquals("1", value(c, "SELECT 1"));
                Await.until(WAIT, "pool_size servers open", () -> backends(postgres, monitor, SCRAM, since) == 2);
                Await.during(TWO_TICKS, "never more than pool_size",
                        () -> backends(postgres, monitor, SCRAM, since) <= 2);
            }
            assertServes(pgmux);
        }
    }

    @Test
    void reservePoolServesAClientThatWaitedPastReservePoolTimeout(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("default_pool_size", "1")
                .set("reserve_pool_size", "1").set("reserve_pool_timeout", "1").start();
             Connection monitor = postgres.superuser()) {
            Timestamp since = postgres.now(monitor);
            try (Connection holder = Sql.connect(pgmux); Connection waiter = Sql.connect(pgmux)) {
                holder.setAutoCommit(false);
                int held = pid(holder);
                long start = System.nanoTime();
                Future<Integer> reserve = threads.submit(() -> pid(waiter));
                int served = reserve.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(System.nanoTime() - start >= Duration.ofMillis(950).toNanos(),
                        "the reserve opens only after reserve_pool_timeout");
                assertNotEquals(held, served, "a reserve server, while the holder keeps its own");
                assertEquals(held, pid(holder));
                holder.commit();
                assertEquals(2, backends(postgres, monitor, SCRAM, since), "pool_size + reserve_pool_size");
            }
            assertServes(pgmux);
        }
    }

    @Test
    void maxDbConnectionsIsSharedByTheUsersOfADatabase(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("default_pool_size", "5")
                .database(DB + " = host=127.0.0.1 port=${pgport} max_db_connections=1").start();
             Connection monitor = postgres.superuser()) {
            Timestamp since = postgres.now(monitor);
            try (Connection scram = Sql.connect(pgmux);
                 Connection md5 = Sql.connect(pgmux, DB, MD5, PostgresExtension.MD5_PASSWORD)) {
                assertServedAfterTheOtherPoolLetsGo(postgres, monitor, since, scram, md5);
            }
            assertServes(pgmux);
        }
    }

    @Test
    void maxUserConnectionsIsSharedByTheDatabasesOfAUser(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("default_pool_size", "5")
                .set("max_user_connections", "1")
                .database(DB + " = host=127.0.0.1 port=${pgport}")
                .database("otherdb = host=127.0.0.1 port=${pgport} dbname=" + DB).start();
             Connection monitor = postgres.superuser()) {
            Timestamp since = postgres.now(monitor);
            try (Connection first = Sql.connect(pgmux);
                 Connection second = Sql.connect(pgmux, "otherdb", SCRAM, PostgresExtension.SCRAM_PASSWORD)) {
                assertServedAfterTheOtherPoolLetsGo(postgres, monitor, since, first, second);
            }
            assertServes(pgmux, "otherdb");
        }
    }

    @Test
    void databasePoolSizeAndReservePool(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = transactionPooling(postgres).set("default_pool_size", "10")
                .set("reserve_pool_size", "0").set("reserve_pool_timeout", "1")
                .database(DB + " = host=127.0.0.1 port=${pgport} pool_size=1 reserve_pool=1").start();
             Connection monitor = postgres.superuser()) {
            Timestamp since = postgres.now(monitor);
            try (Connection first = Sql.connect(pgmux);
                 Connection second = Sql.connect(pgmux);
                 Connection third = Sql.connect(pgmux)) {
                first.setAutoCommit(false);
                second.setAutoCommit(false);
                int firstPid = pid(first);
                // The second waits past reserve_pool_timeout and gets the one reserve server.
                int secondPid = threads.submit(() -> pid(second)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotEquals(firstPid, secondPid);
                // The third finds pool_size + reserve_pool taken and waits for one of them.
                Future<Integer> thirdPid = threads.submit(() -> pid(third));
                Await.during(TWO_TICKS, "the third client waits, two servers in all", () -> !thirdPid.isDone()
                        && backends(postgres, monitor, SCRAM, since) == 2);
                first.commit();
                assertEquals(firstPid, thirdPid.get(WAIT.toSeconds(), TimeUnit.SECONDS));
                second.commit();
            }
            assertServes(pgmux);
        }
    }

    @Test
    void userPoolSizeAndPoolModeWinOverTheDatabaseAndTheDefaults(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("pool_mode", "session")
                .set("default_pool_size", "10")
                .database(DB + " = host=127.0.0.1 port=${pgport} pool_size=3")
                .user(SCRAM + " = pool_size=1 pool_mode=transaction").start();
             Connection monitor = postgres.superuser()) {
            Timestamp since = postgres.now(monitor);
            try (Connection first = Sql.connect(pgmux);
                 Connection second = Sql.connect(pgmux);
                 Connection md5First = Sql.connect(pgmux, DB, MD5, PostgresExtension.MD5_PASSWORD);
                 Connection md5Second = Sql.connect(pgmux, DB, MD5, PostgresExtension.MD5_PASSWORD)) {
                first.setAutoCommit(false);
                int firstPid = pid(first);
                Future<Integer> secondPid = threads.submit(() -> pid(second));
                Await.during(TWO_TICKS, "the user's pool_size=1 holds the second client back",
                        () -> !secondPid.isDone() && backends(postgres, monitor, SCRAM, since) == 1);
                first.commit();
                // Transaction pooling: the second client gets the server while the first is still connected.
                assertEquals(firstPid, secondPid.get(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertEquals(firstPid, pid(first));
                // A user without an entry keeps the defaults and the database's pool_size: session pooling.
                int md5Pid = pid(md5First);
                assertNotEquals(md5Pid, pid(md5Second));
                assertEquals(md5Pid, pid(md5First), "a session keeps its server");
            }
            assertServes(pgmux);
        }
    }

    // ---- helpers ----

    private static PgmuxServer.Builder transactionPooling(TestPostgres postgres) {
        return PgmuxServer.builder(postgres).set("pool_mode", "transaction");
    }

    /**
     * Two clients of two pools under one shared limit of 1 server: while the first holds its server in a transaction
     * the second waits; once the first commits, its now idle server is closed for the other pool and the second is
     * served. Then the first pool gets the server back the same way. PostgreSQL never sees two.
     */
    private void assertServedAfterTheOtherPoolLetsGo(TestPostgres postgres, Connection monitor, Timestamp since,
            Connection first, Connection second) throws Exception {
        Callable<Integer> total = () -> backends(postgres, monitor, SCRAM, since)
                + backends(postgres, monitor, MD5, since);
        first.setAutoCommit(false);
        int firstPid = pid(first);
        Future<Integer> secondPid = threads.submit(() -> pid(second));
        Await.during(TWO_TICKS, "the second pool waits while the shared limit is taken",
                () -> !secondPid.isDone() && total.call() == 1);
        first.commit();
        int served = secondPid.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotEquals(firstPid, served, "a server of the second pool");
        assertTrue(total.call() <= 1, "never more than the shared limit");
        Await.until(WAIT, "the first pool's idle server closed for the other pool",
                () -> !Sql.backendAlive(monitor, firstPid));
        assertEquals("back", threads.submit(() -> value(first, "SELECT 'back'")).get(WAIT.toSeconds(),
                TimeUnit.SECONDS));
        assertTrue(total.call() <= 1);
    }

    private static int backends(TestPostgres postgres, Connection monitor, String user, Timestamp since)
            throws SQLException {
        return postgres.backendsSince(monitor, user, since);
    }

    private static void terminateBackends(Connection monitor, String user, Timestamp since) throws SQLException {
        try (PreparedStatement ps = monitor.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE usename = ? AND backend_start >= ?")) {
            ps.setString(1, user);
            ps.setTimestamp(2, since);
            ps.execute();
        }
    }
}
