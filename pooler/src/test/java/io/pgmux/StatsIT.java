package io.pgmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.testing.Await;
import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.PrometheusPage;
import io.pgmux.testing.RawPgClient;
import io.pgmux.testing.SimpleQueryClient;
import io.pgmux.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Statistics as an operator reads them, from a real pgmux in front of a real PostgreSQL, with clients that send
 * only the test's own queries (so the counts are exact): SHOW STATS, STATS_TOTALS, STATS_AVERAGES and TOTALS count
 * what runs; SHOW POOLS and SHOW CLIENTS show who waits and for how long; SHOW LATENCY's percentiles move with
 * queueing; /metrics, scraped over HTTP, says what SHOW STATS says. Each test uses a database of its own, so its
 * pool starts from zero.
 */
@ExtendWith(PostgresExtension.class)
class StatsIT {
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin pass";
    private static final String USER = PostgresExtension.SCRAM_USER;
    private static final String PASSWORD = PostgresExtension.SCRAM_PASSWORD;
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static PgmuxServer pgmux;

    @BeforeAll
    static void start(TestPostgres postgres) {
        PgmuxServer.Builder builder = PgmuxServer.builder(postgres)
                .set("admin_users", ADMIN)
                .set("auth_type", "plain")
                .set("pool_mode", "transaction")
                .set("stats_period", "1")
                .set("metrics_listen", "127.0.0.1:0")
                .userlist(line(USER, PASSWORD) + line(ADMIN, ADMIN_PASSWORD));
        for (String db : List.of("counted", "averaged", "scraped")) {
            builder.database(db + " = host=127.0.0.1 port=${pgport} dbname=" + PostgresExtension.DATABASE);
        }
        for (String db : List.of("single", "queued")) {
            builder.database(db + " = host=127.0.0.1 port=${pgport} dbname=" + PostgresExtension.DATABASE
                    + " pool_size=1");
        }
        pgmux = builder.start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    private static String line(String user, String password) {
        return "\"" + user + "\" \"" + password + "\"\n";
    }

    private static SimpleQueryClient client(String database) throws IOException {
        return SimpleQueryClient.login(pgmux, database, USER, PASSWORD);
    }

    private static SimpleQueryClient admin() throws IOException {
        return SimpleQueryClient.login(pgmux, "pgbouncer", ADMIN, ADMIN_PASSWORD);
    }

    private static void run(SimpleQueryClient client, String... queries) throws IOException {
        for (String sql : queries) {
            assertNull(client.query(sql).error(), sql);
        }
    }

    /** A Query message's size: type, length, the text and its terminator. */
    private static long querySize(String sql) {
        return 1 + 4 + sql.length() + 1;
    }

    @Test
    void statsTotalsCountEveryQueryAndTransactionRunThroughAFreshPool() throws Exception {
        String[] queries = {"SELECT 1", "SELECT 2", "BEGIN", "SELECT 3", "COMMIT"};
        try (SimpleQueryClient admin = admin(); SimpleQueryClient client = client("counted")) {
            run(client, queries);
            Map<String, String> totals = admin.query("SHOW STATS_TOTALS").row("counted");
            assertEquals("5", totals.get("query_count"), totals.toString());
            assertEquals("3", totals.get("xact_count"), "two single statements and one BEGIN..COMMIT: " + totals);
            long sent = 0;
            for (String sql : queries) {
                sent += querySize(sql);
            }
            assertEquals(Long.toString(sent), totals.get("bytes_received"), "every byte of the five queries");
            long bytesSent = Long.parseLong(totals.get("bytes_sent"));
            assertTrue(bytesSent > 0, totals.toString());
            assertTrue(Long.parseLong(totals.get("server_assignment_count")) >= 3, "a server for each transaction");
            assertTrue(Long.parseLong(totals.get("query_time")) >= Long.parseLong(totals.get("xact_time")) / 3,
                    totals.toString());

            Map<String, String> stats = admin.query("SHOW STATS").row("counted");
            assertEquals("5", stats.get("total_query_count"));
            assertEquals("3", stats.get("total_xact_count"));

            run(client, "SELECT 4");
            totals = admin.query("SHOW STATS_TOTALS").row("counted");
            assertEquals("6", totals.get("query_count"));
            assertEquals("4", totals.get("xact_count"));
            assertEquals(Long.toString(sent + querySize("SELECT 4")), totals.get("bytes_received"));
            assertTrue(Long.parseLong(totals.get("bytes_sent")) > bytesSent, "the answer to SELECT 4 was sent");

            // Two queries sent before the first is answered make one query and one transaction, as PgBouncer
            // counts: a query ends when nothing is in flight any more.
            client.raw().send(RawPgClient.query("SELECT 5"),
                    RawPgClient.query("SELECT 6"));
            assertNull(client.readResult().error());
            assertNull(client.readResult().error());
            totals = admin.query("SHOW STATS_TOTALS").row("counted");
            assertEquals("7", totals.get("query_count"));
            assertEquals("5", totals.get("xact_count"));
            assertEquals(Long.toString(sent + querySize("SELECT 4") + 2 * querySize("SELECT 5")),
                    totals.get("bytes_received"));

            Map<String, String> overall = new HashMap<>();
            admin.query("SHOW TOTALS").rows().forEach(r -> overall.put(r.get(0), r.get(1)));
            assertTrue(Long.parseLong(overall.get("total_xact_count")) >= 4, overall.toString());
            assertTrue(Long.parseLong(overall.get("total_query_count")) >= 6, overall.toString());
        }
    }

    @Test
    void aClientQueuedBehindAPoolOfOneShowsInClWaitingMaxwaitAndItsWait() throws Exception {
        try (SimpleQueryClient admin = admin(); SimpleQueryClient holder = client("single");
                SimpleQueryClient queued = client("single")) {
            run(holder, "BEGIN", "SELECT 1");
            queued.raw().send(RawPgClient.query("SELECT 2"));
            Await.until(PATIENCE, "the second client waits, and its wait grows past 50 ms", () -> {
                Map<String, String> pool = pool(admin, "single");
                return "1".equals(pool.get("cl_waiting")) && maxWaitMicros(pool) >= 50_000;
            });
            Map<String, String> waiting = admin.query("SHOW CLIENTS").maps().stream()
                    .filter(c -> "single".equals(c.get("database")) && "waiting".equals(c.get("state")))
                    .findFirst().orElseThrow(() -> new AssertionError("no waiting client in SHOW CLIENTS"));
            long waitMicros = Long.parseLong(waiting.get("wait")) * 1_000_000 + Long.parseLong(waiting.get("wait_us"));
            assertTrue(waitMicros >= 50_000, waiting.toString());

            run(holder, "COMMIT");
            assertEquals(List.of(List.of("2")), queued.readResult().rows(), "served once the server is free");
            Map<String, String> pool = pool(admin, "single");
            assertEquals("0", pool.get("cl_waiting"));
            assertEquals(0, maxWaitMicros(pool));
            long waitTime = Long.parseLong(admin.query("SHOW STATS_TOTALS").row("single").get("wait_time"));
            assertTrue(waitTime >= 50_000, "the queued client's wait is in wait_time: " + waitTime);
        }
    }

    private static Map<String, String> pool(SimpleQueryClient admin, String database) throws IOException {
        return admin.query("SHOW POOLS").row(database);
    }

    private static long maxWaitMicros(Map<String, String> pool) {
        return Long.parseLong(pool.get("maxwait")) * 1_000_000 + Long.parseLong(pool.get("maxwait_us"));
    }

    @Test
    void averagesFollowTheLoadOfTheLastStatsPeriod() throws Exception {
        try (SimpleQueryClient admin = admin(); SimpleQueryClient client = client("averaged")) {
            for (int i = 0; i < 20; i++) {
                run(client, "SELECT " + i);
            }
            Await.until(PATIENCE, "averages of a period with 20 queries", () -> {
                Map<String, String> avg = admin.query("SHOW STATS_AVERAGES").row("averaged");
                return positive(avg, "query_count") && positive(avg, "xact_count") && positive(avg, "query_time")
                        && positive(avg, "xact_time") && positive(avg, "bytes_received")
                        && positive(avg, "bytes_sent");
            });
            Map<String, String> stats = admin.query("SHOW STATS").row("averaged");
            assertTrue(positive(stats, "avg_query_count") && positive(stats, "avg_recv"), stats.toString());
            Await.until(PATIENCE, "per-second averages fall to 0 once periods without queries pass",
                    () -> "0".equals(admin.query("SHOW STATS_AVERAGES").row("averaged").get("query_count")));
            assertEquals("20", admin.query("SHOW STATS_TOTALS").row("averaged").get("query_count"));
        }
    }

    private static boolean positive(Map<String, String> row, String column) {
        return Long.parseLong(row.get(column)) > 0;
    }

    @Test
    void showLatencyWaitPercentilesRiseWhenClientsQueueBehindAPoolOfOne() throws Exception {
        try (SimpleQueryClient admin = admin()) {
            List<SimpleQueryClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    clients.add(client("queued"));
                }
                // Only the first login waited, for the pool's first server (if a period with it has ended yet).
                assertTrue(micros(admin, "queued", "wait_p99") < 150_000);
                for (SimpleQueryClient c : clients) {
                    c.raw().send(RawPgClient.query("SELECT pg_sleep(0.2)"));
                }
                for (SimpleQueryClient c : clients) {
                    assertNull(c.readResult().error());
                }
            } finally {
                for (SimpleQueryClient c : clients) {
                    c.close();
                }
            }
            // Four 200 ms queries on one server: the last client waits about 600 ms, whichever period it falls in.
            Await.until(PATIENCE, "a period whose wait p99 shows a client queued behind a 200 ms query",
                    () -> micros(admin, "queued", "wait_p99") >= 150_000);
            Await.until(PATIENCE, "a period whose query max holds a 200 ms query and its wait",
                    () -> micros(admin, "queued", "query_max") >= 200_000
                            && micros(admin, "queued", "xact_max") >= 200_000);
        }
    }

    private static long micros(SimpleQueryClient admin, String database, String column) throws IOException {
        return Long.parseLong(admin.query("SHOW LATENCY").row(database).get(column));
    }

    @Test
    void metricsScrapedOverHttpSayWhatShowStatsSays() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + pgmux.pgmux().metricsPort() + "/metrics");
        try (SimpleQueryClient admin = admin(); SimpleQueryClient client = client("scraped")) {
            run(client, "SELECT 1", "SELECT 2", "SELECT 3");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    response.headers().firstValue("Content-Type").orElse(null));
            PrometheusPage page = PrometheusPage.parse(response.body());
            for (String name : List.of("pgbouncer_up", "pgbouncer_version_info", "pgbouncer_databases",
                    "pgbouncer_used_clients", "pgbouncer_config_max_client_connections",
                    "pgbouncer_client_connections", "pgbouncer_databases_pool_size",
                    "pgbouncer_databases_current_connections", "pgbouncer_pools_client_active_connections",
                    "pgbouncer_pools_client_waiting_connections", "pgbouncer_pools_server_idle_connections",
                    "pgbouncer_pools_client_maxwait_seconds", "pgbouncer_stats_queries_pooled_total",
                    "pgbouncer_stats_sql_transactions_pooled_total", "pgbouncer_stats_queries_duration_seconds_total",
                    "pgbouncer_stats_received_bytes_total", "pgbouncer_stats_sent_bytes_total",
                    "pgbouncer_stats_client_wait_seconds_total", "pgmux_query_duration_seconds",
                    "pgmux_transaction_duration_seconds", "pgmux_wait_duration_seconds")) {
                assertTrue(page.types().containsKey(name), "no family " + name);
            }
            assertEquals(1, page.value("pgbouncer_up"));
            assertEquals("histogram", page.types().get("pgmux_query_duration_seconds"));

            Map<String, String> totals = admin.query("SHOW STATS_TOTALS").row("scraped");
            assertEquals(Double.parseDouble(totals.get("query_count")),
                    page.value("pgbouncer_stats_queries_pooled_total", "database", "scraped"));
            assertEquals(Double.parseDouble(totals.get("xact_count")),
                    page.value("pgbouncer_stats_sql_transactions_pooled_total", "database", "scraped"));
            assertEquals(Double.parseDouble(totals.get("bytes_received")),
                    page.value("pgbouncer_stats_received_bytes_total", "database", "scraped"));
            assertEquals(Double.parseDouble(totals.get("query_time")) / 1e6,
                    page.value("pgbouncer_stats_queries_duration_seconds_total", "database", "scraped"), 1e-9);
            assertEquals(3, page.value("pgmux_query_duration_seconds_count", "database", "scraped", "user", USER));
            assertEquals(3, page.value("pgmux_query_duration_seconds_bucket", "database", "scraped", "user", USER,
                    "le", "+Inf"));
            assertEquals(1, page.value("pgbouncer_client_connections", "database", "scraped", "user", USER,
                    "state", "idle"));

            run(client, "SELECT 4", "SELECT 5");
            PrometheusPage after = PrometheusPage.parse(http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(5, after.value("pgmux_query_duration_seconds_count", "database", "scraped", "user", USER));
            assertEquals(5, after.value("pgmux_transaction_duration_seconds_count", "database", "scraped",
                    "user", USER));
            assertEquals(5, after.value("pgbouncer_stats_queries_pooled_total", "database", "scraped"));
        }
        HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(uri.resolve("/other")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, elsewhere.statusCode());
    }

    @Test
    void psqlShowsStatsAndLatencyWithTheirColumns() throws Exception {
        assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
        ExternalCommand.Result r = ExternalCommand.run(Duration.ofSeconds(30), ADMIN_PASSWORD, List.of("psql", "-X",
                "-A", "-h", "127.0.0.1", "-p", String.valueOf(pgmux.port()), "-U", ADMIN, "-d", "pgbouncer",
                "-c", "SHOW STATS", "-c", "SHOW LATENCY"));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().startsWith("database|total_server_assignment_count|total_xact_count|total_query_count|"
                + "total_received|total_sent|total_xact_time|total_query_time|total_wait_time|"
                + "total_client_parse_count|total_server_parse_count|total_bind_count|avg_server_assignment_count|"
                + "avg_xact_count|avg_query_count|avg_recv|avg_sent|avg_xact_time|avg_query_time|avg_wait_time|"
                + "avg_client_parse_count|avg_server_parse_count|avg_bind_count\n"), r.output());
        assertTrue(r.output().contains("\ndatabase|user|query_p50|query_p90|query_p99|query_p99_9|query_max|"
                + "xact_p50|xact_p90|xact_p99|xact_p99_9|xact_max|wait_p50|wait_p90|wait_p99|wait_p99_9|wait_max\n"),
                r.output());
    }
}
