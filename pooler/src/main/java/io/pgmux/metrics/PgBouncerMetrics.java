package io.pgmux.metrics;

import io.pgmux.admin.PgmuxVersion;
import io.pgmux.admin.view.ClientState;
import io.pgmux.admin.view.ConfigEntry;
import io.pgmux.admin.view.ConnectionSnapshot;
import io.pgmux.admin.view.DatabaseSnapshot;
import io.pgmux.admin.view.DatabaseStats;
import io.pgmux.admin.view.ListsSnapshot;
import io.pgmux.admin.view.PoolSnapshot;
import io.pgmux.admin.view.PoolerView;
import io.pgmux.admin.view.StatCounters;
import io.pgmux.admin.view.StatsSnapshot;
import io.pgmux.pool.PoolKey;
import io.pgmux.session.StatsSampler;
import io.pgmux.stats.LatencyHistograms;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.HdrHistogram.AbstractHistogram;

/**
 * The /metrics page: the figures of the admin console's SHOW LISTS, CONFIG, CLIENTS, DATABASES, STATS_TOTALS and
 * POOLS under the metric names and labels of prometheus-community's pgbouncer_exporter (so its dashboards work
 * unchanged), plus pgmux's latency histograms per pool.
 */
final class PgBouncerMetrics {
    private static final double MICROS = 1e-6;
    /** Histogram bucket bounds in microseconds: 100 µs to 5 min. */
    private static final long[] BUCKETS_MICROS = {100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000,
        100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000, 60_000_000, 300_000_000};

    private final PoolerView view;
    private final StatsSampler sampler;

    PgBouncerMetrics(PoolerView view, StatsSampler sampler) {
        this.view = view;
        this.sampler = sampler;
    }

    /** What everything the page shows was gathered into. */
    private record Figures(ListsSnapshot lists, List<ConfigEntry> config, List<ConnectionSnapshot<ClientState>> clients,
            List<DatabaseSnapshot> databases, StatsSnapshot stats, List<PoolSnapshot> pools,
            Map<PoolKey, StatsSampler.PoolSample> samples) {
    }

    /** Gathers the figures and writes the page. */
    CompletionStage<String> scrape() {
        CompletableFuture<ListsSnapshot> lists = view.lists().toCompletableFuture();
        CompletableFuture<List<ConfigEntry>> config = view.config().toCompletableFuture();
        CompletableFuture<List<ConnectionSnapshot<ClientState>>> clients = view.clients().toCompletableFuture();
        CompletableFuture<List<DatabaseSnapshot>> databases = view.databases().toCompletableFuture();
        CompletableFuture<StatsSnapshot> stats = view.stats().toCompletableFuture();
        CompletableFuture<List<PoolSnapshot>> pools = view.pools().toCompletableFuture();
        CompletableFuture<Map<PoolKey, StatsSampler.PoolSample>> samples = sampler.sample(true).thenApply(all -> {
            Map<PoolKey, StatsSampler.PoolSample> byKey = new LinkedHashMap<>();
            all.values().stream().sorted(Comparator.comparing((StatsSampler.PoolSample s) -> s.pool().key().database())
                    .thenComparing(s -> s.pool().key().user())).forEach(s -> byKey.put(s.pool().key(), s));
            return byKey;
        });
        return CompletableFuture.allOf(lists, config, clients, databases, stats, pools, samples)
                .thenApply(done -> write(new Figures(lists.join(), config.join(), clients.join(), databases.join(),
                        stats.join(), pools.join(), samples.join())));
    }

    private static String write(Figures f) {
        PrometheusText out = new PrometheusText();
        out.family("pgbouncer_up", "gauge", "Whether the pooler answered (always 1 when served by pgmux itself).")
                .sample("pgbouncer_up", 1);
        out.family("pgbouncer_version_info", "gauge", "The SHOW VERSION text as a label.")
                .sample("pgbouncer_version_info", 1, "version", PgmuxVersion.text());
        writeLists(out, f.lists());
        writeConfig(out, f.config());
        writeClients(out, f.clients());
        writeDatabases(out, f.databases());
        writeStats(out, f.stats());
        writePools(out, f.pools());
        writeHistograms(out, f.samples());
        return out.text();
    }

    private static void writeLists(PrometheusText out, ListsSnapshot l) {
        gauge(out, "pgbouncer_databases", "Databases (SHOW LISTS).", l.databases());
        gauge(out, "pgbouncer_users", "Users (SHOW LISTS).", l.users());
        gauge(out, "pgbouncer_pools", "Pools (SHOW LISTS).", l.pools());
        gauge(out, "pgbouncer_free_clients", "Client objects kept for reuse (SHOW LISTS).", l.freeClients());
        gauge(out, "pgbouncer_used_clients", "Client connections (SHOW LISTS).", l.usedClients());
        gauge(out, "pgbouncer_login_clients", "Clients logging in (SHOW LISTS).", l.loginClients());
        gauge(out, "pgbouncer_free_servers", "Server objects kept for reuse (SHOW LISTS).", l.freeServers());
        gauge(out, "pgbouncer_used_servers", "Server connections (SHOW LISTS).", l.usedServers());
        gauge(out, "pgbouncer_cached_dns_names", "Names in the DNS cache (SHOW LISTS).", l.dnsNames());
        gauge(out, "pgbouncer_cached_dns_zones", "Zones in the DNS cache (SHOW LISTS).", l.dnsZones());
        gauge(out, "pgbouncer_in_flight_dns_queries", "DNS queries in flight (SHOW LISTS).", l.dnsQueries());
    }

    private static void gauge(PrometheusText out, String name, String help, long value) {
        out.family(name, "gauge", help).sample(name, value);
    }

    private static void writeConfig(PrometheusText out, List<ConfigEntry> config) {
        Map<String, String> values = new LinkedHashMap<>();
        config.forEach(e -> values.put(e.key(), e.value()));
        gauge(out, "pgbouncer_config_max_client_connections", "max_client_conn.",
                Long.parseLong(values.getOrDefault("max_client_conn", "0")));
        gauge(out, "pgbouncer_config_max_user_connections", "max_user_connections.",
                Long.parseLong(values.getOrDefault("max_user_connections", "0")));
    }

    /** SHOW CLIENTS counted by database, user, application_name and state. */
    private static void writeClients(PrometheusText out, List<ConnectionSnapshot<ClientState>> clients) {
        Map<List<String>, Long> counts = new LinkedHashMap<>();
        for (ConnectionSnapshot<ClientState> c : clients) {
            if (c.state() != ClientState.LOGIN) {
                counts.merge(List.of(orEmpty(c.database()), orEmpty(c.user()), c.applicationName(),
                        c.state().stateWord()), 1L, Long::sum);
            }
        }
        String name = "pgbouncer_client_connections";
        out.family(name, "gauge", "Client connections by database, user, application_name and state (SHOW CLIENTS).");
        counts.forEach((k, n) -> out.sample(name, n, "database", k.get(0), "user", k.get(1),
                "application_name", k.get(2), "state", k.get(3)));
    }

    private static void writeDatabases(PrometheusText out, List<DatabaseSnapshot> databases) {
        databaseGauge(out, databases, "pool_size", "pool_size (SHOW DATABASES).", DatabaseSnapshot::poolSize);
        databaseGauge(out, databases, "reserve_pool", "reserve_pool_size (SHOW DATABASES).",
                DatabaseSnapshot::reservePoolSize);
        databaseGauge(out, databases, "max_connections", "max_db_connections (SHOW DATABASES).",
                DatabaseSnapshot::maxConnections);
        databaseGauge(out, databases, "current_connections", "Server connections (SHOW DATABASES).",
                DatabaseSnapshot::currentConnections);
        databaseGauge(out, databases, "paused", "1 when paused (SHOW DATABASES).", d -> d.paused() ? 1 : 0);
        databaseGauge(out, databases, "disabled", "1 when disabled (SHOW DATABASES).", d -> d.disabled() ? 1 : 0);
    }

    private static void databaseGauge(PrometheusText out, List<DatabaseSnapshot> databases, String metric,
            String help, ToLongFunction<DatabaseSnapshot> value) {
        String name = "pgbouncer_databases_" + metric;
        out.family(name, "gauge", help);
        for (DatabaseSnapshot d : databases) {
            out.sample(name, value.applyAsLong(d), "name", d.name(), "host", orEmpty(d.host()),
                    "port", Integer.toString(d.port()), "database", orEmpty(d.database()),
                    "force_user", orEmpty(d.forceUser()), "pool_mode", d.poolMode() == null ? "" : d.poolMode().word());
        }
    }

    private static void writeStats(PrometheusText out, StatsSnapshot stats) {
        List<DatabaseStats> dbs = stats.databases();
        statsCounter(out, dbs, "queries_pooled_total", "Queries (SHOW STATS_TOTALS query_count).",
                StatCounters::queryCount, false);
        statsCounter(out, dbs, "queries_duration_seconds_total", "Time in queries, waiting included (query_time).",
                StatCounters::queryTime, true);
        statsCounter(out, dbs, "received_bytes_total", "Bytes received from clients (bytes_received).",
                StatCounters::bytesReceived, false);
        statsCounter(out, dbs, "sent_bytes_total", "Bytes read from servers for clients (bytes_sent).",
                StatCounters::bytesSent, false);
        statsCounter(out, dbs, "client_wait_seconds_total", "Time clients waited for a server (wait_time).",
                StatCounters::waitTime, true);
        statsCounter(out, dbs, "sql_transactions_pooled_total", "Transactions (xact_count).",
                StatCounters::xactCount, false);
        statsCounter(out, dbs, "server_in_transaction_seconds_total", "Time in transactions (xact_time).",
                StatCounters::xactTime, true);
        statsCounter(out, dbs, "client_parses_total", "Prepared statements parsed by clients (client_parse_count).",
                StatCounters::clientParseCount, false);
        statsCounter(out, dbs, "server_parses_total", "Prepared statements parsed on servers (server_parse_count).",
                StatCounters::serverParseCount, false);
        statsCounter(out, dbs, "binds_total", "Prepared statements bound (bind_count).", StatCounters::bindCount,
                false);
        statsCounter(out, dbs, "server_assignments_total", "Servers assigned to clients (server_assignment_count).",
                StatCounters::serverAssignmentCount, false);
    }

    private static void statsCounter(PrometheusText out, List<DatabaseStats> dbs, String metric, String help,
            ToLongFunction<StatCounters> counter, boolean micros) {
        String name = "pgbouncer_stats_" + metric;
        out.family(name, "counter", help);
        for (DatabaseStats d : dbs) {
            long v = counter.applyAsLong(d.totals());
            if (micros) {
                out.sample(name, v * MICROS, "database", d.database());
            } else {
                out.sample(name, v, "database", d.database());
            }
        }
    }

    private static void writePools(PrometheusText out, List<PoolSnapshot> pools) {
        poolGauge(out, pools, "client_active_connections", "cl_active");
        poolGauge(out, pools, "client_active_cancel_connections", "cl_active_cancel_req");
        poolGauge(out, pools, "client_waiting_connections", "cl_waiting");
        poolGauge(out, pools, "client_waiting_cancel_connections", "cl_waiting_cancel_req");
        poolGauge(out, pools, "server_active_connections", "sv_active");
        poolGauge(out, pools, "server_active_cancel_connections", "sv_active_cancel");
        poolGauge(out, pools, "server_being_canceled_connections", "sv_being_canceled");
        poolGauge(out, pools, "server_idle_connections", "sv_idle");
        poolGauge(out, pools, "server_used_connections", "sv_used");
        poolGauge(out, pools, "server_testing_connections", "sv_tested");
        poolGauge(out, pools, "server_login_connections", "sv_login");
        String name = "pgbouncer_pools_client_maxwait_seconds";
        out.family(name, "gauge", "How long the oldest waiting client has waited (SHOW POOLS maxwait, maxwait_us).");
        for (PoolSnapshot p : pools) {
            out.sample(name, p.maxWaitUs() * MICROS, "database", p.database(), "user", p.user());
        }
    }

    private static void poolGauge(PrometheusText out, List<PoolSnapshot> pools, String metric, String column) {
        String name = "pgbouncer_pools_" + metric;
        out.family(name, "gauge", column + " (SHOW POOLS).");
        for (PoolSnapshot p : pools) {
            out.sample(name, p.counts().column(column), "database", p.database(), "user", p.user());
        }
    }

    private static void writeHistograms(PrometheusText out, Map<PoolKey, StatsSampler.PoolSample> samples) {
        histogram(out, samples, "pgmux_query_duration_seconds",
                "Query times per pool, waiting included (SHOW STATS query_time's queries).",
                LatencyHistograms::query, StatCounters::queryTime);
        histogram(out, samples, "pgmux_transaction_duration_seconds", "Transaction times per pool (xact_time's).",
                LatencyHistograms::xact, StatCounters::xactTime);
        histogram(out, samples, "pgmux_wait_duration_seconds",
                "How long clients waited for a server per pool, one value per assignment (wait_time's).",
                LatencyHistograms::waitTime, StatCounters::waitTime);
    }

    private static void histogram(PrometheusText out, Map<PoolKey, StatsSampler.PoolSample> samples, String name,
            String help, Function<LatencyHistograms, AbstractHistogram> which,
            ToLongFunction<StatCounters> sumMicros) {
        out.family(name, "histogram", help);
        for (StatsSampler.PoolSample s : samples.values()) {
            String db = s.pool().key().database();
            String user = s.pool().key().user();
            AbstractHistogram h = which.apply(s.histograms());
            for (long bound : BUCKETS_MICROS) {
                out.sample(name + "_bucket", h.getCountBetweenValues(0, bound), "database", db, "user", user,
                        "le", seconds(bound));
            }
            out.sample(name + "_bucket", h.getTotalCount(), "database", db, "user", user, "le", "+Inf");
            out.sample(name + "_sum", sumMicros.applyAsLong(s.counters()) * MICROS, "database", db, "user", user);
            out.sample(name + "_count", h.getTotalCount(), "database", db, "user", user);
        }
    }

    /** A bucket bound in seconds as a plain decimal: 0.00025, 1, 2.5. */
    private static String seconds(long micros) {
        return BigDecimal.valueOf(micros).movePointLeft(6).stripTrailingZeros().toPlainString();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
