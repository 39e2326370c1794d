package io.pgmux.session;

import io.pgmux.admin.view.ClientState;
import io.pgmux.admin.view.ConfigEntry;
import io.pgmux.admin.view.ConnectionSnapshot;
import io.pgmux.admin.view.DatabaseSnapshot;
import io.pgmux.admin.view.DnsHostSnapshot;
import io.pgmux.admin.view.DnsZoneSnapshot;
import io.pgmux.admin.view.DatabaseStats;
import io.pgmux.admin.view.LatencyPercentiles;
import io.pgmux.admin.view.LatencySnapshot;
import io.pgmux.admin.view.ListsSnapshot;
import io.pgmux.admin.view.MemSnapshot;
import io.pgmux.admin.view.PeerPoolSnapshot;
import io.pgmux.admin.view.PeerSnapshot;
import io.pgmux.admin.view.PoolMode;
import io.pgmux.admin.view.PoolSnapshot;
import io.pgmux.admin.view.PoolerState;
import io.pgmux.admin.view.PoolerView;
import io.pgmux.admin.view.ServerState;
import io.pgmux.admin.view.StatCounters;
import io.pgmux.admin.view.StateCounts;
import io.pgmux.admin.view.StatsSnapshot;
import io.pgmux.admin.view.UserSnapshot;
import io.pgmux.config.DatabaseEntry;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.Setting;
import io.pgmux.config.Settings;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolKey;
import io.pgmux.stats.LatencyHistograms;
import io.pgmux.stats.StatsAverages;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;

/**
 * The admin console's view of a running engine. Connections and statistics are read by a task on each event loop
 * (each loop's own clients, servers and counters) and the loops' answers combined as they arrive, so no loop waits
 * for another; the figures pgmux does not track (socket buffers) are zero.
 */
public final class EngineView implements PoolerView {
    private static final PoolKey ADMIN_POOL = new PoolKey(PgBouncerConfig.ADMIN_DATABASE,
            AdminConsole.UNIX_ADMIN_USER);

    private final Engine engine;
    private final StatsSampler sampler;
    private final StatsTicker ticker;

    public EngineView(Engine engine, StatsSampler sampler, StatsTicker ticker) {
        this.engine = engine;
        this.sampler = sampler;
        this.ticker = ticker;
    }

    @Override
    public CompletionStage<List<PoolSnapshot>> pools() {
        return clients().thenCombine(servers(), (clients, servers) -> {
            Map<PoolKey, Counts> counts = new LinkedHashMap<>();
            counts.put(ADMIN_POOL, new Counts(PoolMode.STATEMENT));
            for (Pool pool : sortedPools()) {
                counts.put(pool.key(), new Counts(PoolMode.valueOf(pool.settings().poolMode().name())));
            }
            for (ConnectionSnapshot<ClientState> c : clients) {
                Counts n = counts.get(poolOf(c));
                if (n != null) {
                    n.clients.merge(c.state(), 1, Integer::sum);
                    if (c.state() == ClientState.WAITING) {
                        // PgBouncer shows the wait of the first waiting client, which is the longest.
                        n.maxWaitUs = Math.max(n.maxWaitUs, c.waitUs());
                    }
                }
            }
            for (ConnectionSnapshot<ServerState> s : servers) {
                Counts n = counts.get(new PoolKey(s.database(), s.user()));
                if (n != null) {
                    n.servers.merge(s.state(), 1, Integer::sum);
                }
            }
            List<PoolSnapshot> rows = new ArrayList<>();
            counts.forEach((key, n) -> rows.add(new PoolSnapshot(key.database(), key.user(),
                    new StateCounts(n.clients, n.servers), n.maxWaitUs, n.mode, null)));
            return rows;
        });
    }

    /** Admin console clients all belong to the admin pool, as in PgBouncer (its database forces user pgbouncer). */
    private static PoolKey poolOf(ConnectionSnapshot<ClientState> c) {
        return PgBouncerConfig.ADMIN_DATABASE.equals(c.database()) ? ADMIN_POOL : new PoolKey(c.database(), c.user());
    }

    /** One pool's tally. */
    private static final class Counts {
        final Map<ClientState, Integer> clients = new EnumMap<>(ClientState.class);
        final Map<ServerState, Integer> servers = new EnumMap<>(ServerState.class);
        final PoolMode mode;
        long maxWaitUs;

        Counts(PoolMode mode) {
            this.mode = mode;
        }
    }

    private List<Pool> sortedPools() {
        List<Pool> pools = new ArrayList<>(engine.pools().pools());
        pools.sort(Comparator.comparing((Pool p) -> p.key().database()).thenComparing(p -> p.key().user()));
        return pools;
    }

    @Override
    public CompletionStage<List<PeerPoolSnapshot>> peerPools() {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<ConnectionSnapshot<ClientState>>> clients() {
        return onEveryLoop(i -> {
            List<ConnectionSnapshot<ClientState>> rows = new ArrayList<>();
            for (ClientSession client : engine.loopClients(i)) {
                ConnectionSnapshot<ClientState> row = client.snapshot(PgBouncerConfig.ADMIN_DATABASE);
                if (row != null) {
                    rows.add(row);
                }
            }
            return rows;
        }).thenApply(EngineView::byId);
    }

    @Override
    public CompletionStage<List<ConnectionSnapshot<ServerState>>> servers() {
        return onEveryLoop(i -> {
            List<ConnectionSnapshot<ServerState>> rows = new ArrayList<>();
            for (Pool pool : engine.pools().pools()) {
                for (ServerConnection server : pool.servers(i)) {
                    ConnectionSnapshot<ServerState> row = server.snapshot();
                    if (row != null) {
                        rows.add(row);
                    }
                }
            }
            return rows;
        }).thenApply(EngineView::byId);
    }

    private static <S extends io.pgmux.admin.view.ConnectionState> List<ConnectionSnapshot<S>> byId(
            List<ConnectionSnapshot<S>> rows) {
        List<ConnectionSnapshot<S>> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(ConnectionSnapshot::id));
        return sorted;
    }

    private <T> CompletableFuture<List<T>> onEveryLoop(IntFunction<List<T>> task) {
        return LoopTasks.onEveryLoop(engine.loops(), task).thenApply(parts -> {
            List<T> all = new ArrayList<>();
            parts.forEach(all::addAll);
            return all;
        });
    }

    @Override
    public CompletionStage<List<DatabaseSnapshot>> databases() {
        return clients().thenCombine(servers(), (clients, servers) -> {
            PgBouncerConfig config = engine.config();
            Settings settings = config.settings();
            List<DatabaseSnapshot> rows = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            config.databases().keySet().stream().filter(n -> !DatabaseEntry.FALLBACK.equals(n)).sorted()
                    .forEach(names::add);
            engine.pools().pools().forEach(p -> names.add(p.key().database()));
            for (String name : names.stream().sorted().toList()) {
                DatabaseEntry d = config.database(name).orElse(null);
                if (d == null) {
                    continue;
                }
                int serversNow = (int) servers.stream().filter(s -> name.equals(s.database())).count();
                int clientsNow = (int) clients.stream().filter(c -> name.equals(c.database())).count();
                rows.add(new DatabaseSnapshot(name, d.host(), d.port(), d.serverDbname(), d.user(),
                        orDefault(d.poolSize(), settings.integer(Setting.DEFAULT_POOL_SIZE)),
                        orDefault(d.minPoolSize(), settings.integer(Setting.MIN_POOL_SIZE)),
                        orDefault(d.reservePool(), settings.integer(Setting.RESERVE_POOL_SIZE)),
                        (int) (d.serverLifetime() != null ? d.serverLifetime()
                                : settings.duration(Setting.SERVER_LIFETIME)).toSeconds(),
                        d.poolMode() == null ? null : PoolMode.valueOf(d.poolMode().name()), null,
                        orDefault(d.maxDbConnections(), settings.integer(Setting.MAX_DB_CONNECTIONS)), serversNow,
                        orDefault(d.maxDbClientConnections(), settings.integer(Setting.MAX_DB_CLIENT_CONNECTIONS)),
                        clientsNow, engine.pools().pauses().databasePaused(name),
                        engine.disabledDatabases().contains(name)));
            }
            int adminClients = (int) clients.stream()
                    .filter(c -> PgBouncerConfig.ADMIN_DATABASE.equals(c.database())).count();
            rows.add(new DatabaseSnapshot(PgBouncerConfig.ADMIN_DATABASE, null,
                    settings.integer(Setting.LISTEN_PORT), PgBouncerConfig.ADMIN_DATABASE,
                    AdminConsole.UNIX_ADMIN_USER, 2, 0, 0, 0, PoolMode.STATEMENT, null, 0, 0, 0, adminClients,
                    false, false));
            rows.sort(Comparator.comparing(DatabaseSnapshot::name));
            return rows;
        });
    }

    private static int orDefault(int value, int fallback) {
        return value >= 0 ? value : fallback;
    }

    @Override
    public CompletionStage<List<UserSnapshot>> users() {
        return clients().thenCombine(servers(), (clients, servers) -> {
            Settings settings = engine.config().settings();
            Set<String> names = new LinkedHashSet<>(engine.authFile().keySet());
            names.addAll(engine.config().users().keySet());
            names.add(AdminConsole.UNIX_ADMIN_USER);
            List<UserSnapshot> rows = new ArrayList<>();
            for (String name : names.stream().sorted().toList()) {
                var entry = engine.config().user(name).orElse(null);
                int serversNow = (int) servers.stream().filter(s -> name.equals(s.user())).count();
                int clientsNow = (int) clients.stream().filter(c -> name.equals(c.user())).count();
                rows.add(new UserSnapshot(name,
                        entry == null || entry.poolSize() < 0 ? null : entry.poolSize(),
                        entry == null || entry.reservePoolSize() < 0 ? null : entry.reservePoolSize(),
                        entry == null || entry.poolMode() == null ? null : PoolMode.valueOf(entry.poolMode().name()),
                        entry == null || entry.maxUserConnections() < 0
                                ? settings.integer(Setting.MAX_USER_CONNECTIONS) : entry.maxUserConnections(),
                        serversNow,
                        entry == null || entry.maxUserClientConnections() < 0
                                ? settings.integer(Setting.MAX_USER_CLIENT_CONNECTIONS)
                                : entry.maxUserClientConnections(),
                        clientsNow));
            }
            return rows;
        });
    }

    @Override
    public CompletionStage<List<PeerSnapshot>> peers() {
        Settings settings = engine.config().settings();
        List<PeerSnapshot> rows = new ArrayList<>();
        engine.config().peers().forEach((id, peer) -> rows.add(new PeerSnapshot(id, peer.host(), peer.port(),
                peer.poolSize() >= 0 ? peer.poolSize() : settings.integer(Setting.DEFAULT_POOL_SIZE))));
        return CompletableFuture.completedFuture(rows);
    }

    /**
     * PgBouncer's figures per database (its pools summed, the admin database's always 0), in name order: totals as
     * they are now, and averages as stats.c computes them, from the totals at the older of the last two
     * stats_period ticks until now.
     */
    @Override
    public CompletionStage<StatsSnapshot> stats() {
        return sampler.sample(false).thenApply(samples -> {
            StatsWindow window = ticker.window();
            long micros = (System.nanoTime() - window.olderNanos()) / 1000;
            Map<String, StatCounters> current = new TreeMap<>();
            Map<String, StatCounters> older = new TreeMap<>();
            current.put(PgBouncerConfig.ADMIN_DATABASE, StatCounters.ZERO);
            older.put(PgBouncerConfig.ADMIN_DATABASE, StatCounters.ZERO);
            for (StatsSampler.PoolSample sample : samples.values()) {
                String db = sample.pool().key().database();
                current.merge(db, sample.counters(), StatCounters::plus);
                older.merge(db, window.olderOf(sample.pool()), StatCounters::plus);
            }
            List<DatabaseStats> rows = new ArrayList<>();
            StatCounters allCurrent = StatCounters.ZERO;
            StatCounters allOlder = StatCounters.ZERO;
            for (Map.Entry<String, StatCounters> e : current.entrySet()) {
                StatCounters before = older.get(e.getKey());
                rows.add(new DatabaseStats(e.getKey(), e.getValue(), StatsAverages.of(e.getValue(), before, micros)));
                allCurrent = allCurrent.plus(e.getValue());
                allOlder = allOlder.plus(before);
            }
            return new StatsSnapshot(rows, allCurrent, StatsAverages.of(allCurrent, allOlder, micros));
        });
    }

    /** Every pool's latencies since the older of the last two stats_period ticks, the window of the averages. */
    @Override
    public CompletionStage<List<LatencySnapshot>> latency() {
        return sampler.sample(true).thenApply(samples -> {
            StatsWindow window = ticker.window();
            List<LatencySnapshot> rows = new ArrayList<>();
            for (Pool pool : sortedPools()) {
                StatsSampler.PoolSample sample = samples.get(pool);
                if (sample == null) {
                    rows.add(new LatencySnapshot(pool.key().database(), pool.key().user(), LatencyPercentiles.ZERO,
                            LatencyPercentiles.ZERO, LatencyPercentiles.ZERO));
                    continue;
                }
                LatencyHistograms h = window.sinceOlder(pool, sample.histograms());
                rows.add(new LatencySnapshot(pool.key().database(), pool.key().user(),
                        LatencyHistograms.percentiles(h.query()), LatencyHistograms.percentiles(h.xact()),
                        LatencyHistograms.percentiles(h.waitTime())));
            }
            return rows;
        });
    }

    @Override
    public CompletionStage<ListsSnapshot> lists() {
        return onEveryLoop(i -> {
            int login = 0;
            int used = 0;
            for (ClientSession client : engine.loopClients(i)) {
                ConnectionSnapshot<ClientState> row = client.snapshot(PgBouncerConfig.ADMIN_DATABASE);
                if (row != null) {
                    used++;
                    login += row.state() == ClientState.LOGIN ? 1 : 0;
                }
            }
            int servers = 0;
            for (Pool pool : engine.pools().pools()) {
                servers += pool.servers(i).size();
            }
            return List.of(new int[] {used, login, servers});
        }).thenApply(parts -> {
            int used = 0;
            int login = 0;
            int servers = 0;
            for (int[] p : parts) {
                used += p[0];
                login += p[1];
                servers += p[2];
            }
            Collection<Pool> pools = engine.pools().pools();
            return new ListsSnapshot(engine.config().databases().size() + 1, engine.authFile().size(),
                    engine.config().peers().size(), pools.size() + 1, 0, 0, used, login, 0, servers, 0, 0, 0, 0);
        });
    }

    @Override
    public CompletionStage<List<ConfigEntry>> config() {
        Settings settings = engine.config().settings();
        List<ConfigEntry> rows = new ArrayList<>();
        for (Setting s : Setting.values()) {
            if (!s.pgmuxOnly()) {
                rows.add(new ConfigEntry(s.key(), settings.show(s), s.showDefault(), s.changeable()));
            }
        }
        return CompletableFuture.completedFuture(rows);
    }

    /** pgmux has no object caches of its own; the JVM heap is shown as one entry. */
    @Override
    public CompletionStage<List<MemSnapshot>> mem() {
        return CompletableFuture.completedFuture(MemoryFigures.read());
    }

    @Override
    public CompletionStage<PoolerState> state() {
        PoolerState state = switch (engine.pools().pauses().mode()) {
            case NONE -> PoolerState.ACTIVE;
            case PAUSE -> PoolerState.PAUSED;
            case SUSPEND -> PoolerState.SUSPENDED;
        };
        return CompletableFuture.completedFuture(state);
    }

    @Override
    public CompletionStage<List<DnsHostSnapshot>> dnsHosts() {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<DnsZoneSnapshot>> dnsZones() {
        return CompletableFuture.completedFuture(List.of());
    }
}
