package io.pgmux.pool;

import io.netty.channel.EventLoop;
import io.pgmux.config.DatabaseEntry;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.PoolMode;
import io.pgmux.config.Secret;
import io.pgmux.config.Setting;
import io.pgmux.config.Settings;
import io.pgmux.config.UserEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Every pool, created on first use from the config in force: one per client-visible database and server user.
 * RELOAD and SET hand it each new config, which it applies to the running pools.
 */
public final class PoolRegistry {
    private static final Logger LOG = Logger.getLogger(PoolRegistry.class.getName());
    /** The settings that shape how pgmux talks TLS to servers: a change recycles every server, as in PgBouncer. */
    private static final List<Setting> SERVER_TLS = List.of(Setting.SERVER_TLS_SSLMODE, Setting.SERVER_TLS_CA_FILE,
            Setting.SERVER_TLS_CERT_FILE, Setting.SERVER_TLS_KEY_FILE, Setting.SERVER_TLS_PROTOCOLS,
            Setting.SERVER_TLS_CIPHERS, Setting.SERVER_TLS13_CIPHERS);

    private final ConcurrentHashMap<PoolKey, Pool> pools = new ConcurrentHashMap<>();
    /** Servers per database and per server user, over all pools: for max_db_connections, max_user_connections. */
    private final ConcurrentHashMap<String, AtomicInteger> databaseCounts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> userCounts = new ConcurrentHashMap<>();
    private final EventLoop[] loops;
    private final ServerConnector connector;
    /** The config pools are made from; replaced under this registry's lock, with every pool brought up to it. */
    private volatile InForce inForce;
    private final Pauses pauses = new Pauses();

    /** A config with the auth_file read for it. */
    private record InForce(PgBouncerConfig config, Map<String, Secret> authFile) {
    }

    public PoolRegistry(EventLoop[] loops, ServerConnector connector, PgBouncerConfig config,
            Map<String, Secret> authFile) {
        this.loops = loops;
        this.connector = connector;
        this.inForce = new InForce(config, authFile);
    }

    /** The pause state every pool obeys. */
    public Pauses pauses() {
        return pauses;
    }

    /**
     * The pool for a client of {@code database} logged in as {@code user}, from the config in force; null when that
     * config has no such database (RELOAD removed it while the client logged in). A database entry with a forced
     * {@code user=} gives every client the same pool.
     *
     * @param queriedSecret the secret auth_query found for the user, or null: the pool logs in to the server with it
     *                      (the latest one wins, as in PgBouncer)
     */
    public Pool poolFor(String database, String user, Secret queriedSecret) {
        DatabaseEntry entry = inForce.config().database(database).orElse(null);
        if (entry == null) {
            return null;
        }
        Pool pool = pools.get(keyFor(entry, user));
        if (pool == null) {
            pool = create(database, user);
            if (pool == null) {
                return null;
            }
        }
        entry = pool.settings().database();
        if (queriedSecret != null && entry.user() == null && entry.password() == null) {
            pool.useCredentials(ServerCredentials.of(queriedSecret));
        }
        return pool;
    }

    /**
     * Makes a pool under the lock {@link #reconfigure} holds, from the config in force then, so that no pool is made
     * from a config already replaced. Runs once per pool, at a client's login, never on the data path.
     */
    private synchronized Pool create(String database, String user) {
        InForce current = inForce;
        DatabaseEntry entry = current.config().database(database).orElse(null);
        if (entry == null) {
            return null;
        }
        PoolKey key = keyFor(entry, user);
        return pools.computeIfAbsent(key, k -> new Pool(k,
                settingsFor(current.config(), current.authFile(), entry, k.user()), loops, connector,
                new ServerLimits(databaseCounts.computeIfAbsent(k.database(), n -> new AtomicInteger()),
                        userCounts.computeIfAbsent(k.user(), n -> new AtomicInteger())), pauses));
    }

    private static PoolKey keyFor(DatabaseEntry entry, String clientUser) {
        return new PoolKey(entry.name(), entry.user() != null ? entry.user() : clientUser);
    }

    /**
     * Puts a new config in force (RELOAD, SET) and applies it to every running pool, as PgBouncer's reload does:
     * <ul>
     *   <li>sizes, limits, pool modes and timeouts reach the pools' clients and servers at once;</li>
     *   <li>a pool whose server address, login or startup values changed (or every pool, when the server TLS
     *       settings changed) gets a new server generation: its servers close as each is released;</li>
     *   <li>a pool of a database that left {@code [databases]} is removed and returned, for its clients to be
     *       dropped. A database that came from the {@code *} fallback is kept while it still resolves, and kept
     *       with its old entry when the fallback is gone, as PgBouncer keeps its auto-databases.</li>
     * </ul>
     *
     * @return the pools removed
     */
    public synchronized List<Pool> reconfigure(PgBouncerConfig config, Map<String, Secret> authFile) {
        PgBouncerConfig previous = inForce.config();
        inForce = new InForce(config, authFile);
        boolean serverTlsChanged = SERVER_TLS.stream()
                .anyMatch(s -> !previous.settings().raw(s).equals(config.settings().raw(s)));
        List<Pool> removed = new ArrayList<>();
        for (Pool pool : pools.values()) {
            String name = pool.key().database();
            if (previous.databases().containsKey(name) && !config.databases().containsKey(name)) {
                LOG.warning("dropping database '" + name + "' as it does not exist anymore");
                pools.remove(pool.key(), pool);
                pool.remove();
                removed.add(pool);
                continue;
            }
            PoolSettings running = pool.settings();
            DatabaseEntry entry = entryFor(pool, config.database(name).orElse(running.database()));
            PoolSettings next = settingsFor(config, authFile, entry, pool.key().user());
            boolean newServers = serverTlsChanged || !running.database().sameServer(entry);
            if (newServers) {
                LOG.info("S: " + pool.key() + " " + Pool.CONFIGURATION_CHANGED + ": servers close as released");
            }
            pool.reconfigure(next, newServers);
        }
        return removed;
    }

    /**
     * The entry a running pool takes from its database's new one: the same, unless the database now forces a user
     * other than the one the pool logs in as; that pool keeps its own user (and password) for the clients it still
     * has, and new clients go to the forced user's pool.
     */
    private static DatabaseEntry entryFor(Pool pool, DatabaseEntry entry) {
        if (entry.user() == null || entry.user().equals(pool.key().user())) {
            return entry;
        }
        DatabaseEntry running = pool.settings().database();
        return entry.withForcedUser(running.user(), running.password());
    }

    public Collection<Pool> pools() {
        return pools.values();
    }

    /**
     * Pool-wide upkeep of every pool (see {@link Pool#maintain}); a pool starved by max_db_connections or
     * max_user_connections gets one idle server of another pool of the same database or user closed, as PgBouncer
     * evicts. Run by one janitor, once a second.
     */
    public void maintain(long nowNanos) {
        for (Pool pool : pools.values()) {
            pool.maintain(nowNanos);
            if (pool.starvedBySharedLimit()) {
                evictForPool(pool);
            }
        }
    }

    private void evictForPool(Pool starved) {
        for (Pool other : pools.values()) {
            if (other == starved || (!other.key().database().equals(starved.key().database())
                    && !other.key().user().equals(starved.key().user()))) {
                continue;
            }
            int loopIndex = other.loopWithIdleServer();
            if (loopIndex >= 0) {
                loops[loopIndex].execute(() -> other.evictIdle(loopIndex));
                return;
            }
        }
    }

    static PoolSettings settingsFor(PgBouncerConfig config, Map<String, Secret> authFile, DatabaseEntry database,
            String serverUser) {
        Settings s = config.settings();
        UserEntry user = config.user(serverUser).orElse(null);
        // As in PgBouncer, the user's pool_size and reserve_pool_size win over the database's.
        int poolSize = firstSet(user != null ? user.poolSize() : -1, database.poolSize(),
                s.integer(Setting.DEFAULT_POOL_SIZE));
        if (poolSize == 0) {
            // PgBouncer 1.24+: 0 means no limit.
            poolSize = Integer.MAX_VALUE / 2;
        }
        PoolMode mode = user != null && user.poolMode() != null ? user.poolMode()
                : database.poolMode() != null ? database.poolMode() : s.poolMode();
        String checkQuery = s.string(Setting.SERVER_CHECK_QUERY);
        return new PoolSettings(database, serverUser, serverCredentials(database, authFile, serverUser),
                poolSize,
                firstSet(user != null ? user.reservePoolSize() : -1, database.reservePool(),
                        s.integer(Setting.RESERVE_POOL_SIZE)),
                s.duration(Setting.RESERVE_POOL_TIMEOUT),
                firstSet(database.minPoolSize(), -1, s.integer(Setting.MIN_POOL_SIZE)),
                firstSet(database.maxDbConnections(), -1, s.integer(Setting.MAX_DB_CONNECTIONS)),
                firstSet(user != null ? user.maxUserConnections() : -1, -1, s.integer(Setting.MAX_USER_CONNECTIONS)),
                mode,
                s.string(Setting.SERVER_RESET_QUERY),
                s.bool(Setting.SERVER_RESET_QUERY_ALWAYS),
                checkQuery.isEmpty() ? null : checkQuery.equals("<empty>") ? "" : checkQuery,
                s.duration(Setting.SERVER_CHECK_DELAY),
                s.duration(Setting.SERVER_LOGIN_RETRY),
                s.duration(Setting.SERVER_CONNECT_TIMEOUT),
                database.serverLifetime() != null ? database.serverLifetime() : s.duration(Setting.SERVER_LIFETIME),
                s.duration(Setting.SERVER_IDLE_TIMEOUT),
                userDuration(user != null ? user.queryTimeout() : null, s.duration(Setting.QUERY_TIMEOUT)),
                s.duration(Setting.QUERY_WAIT_TIMEOUT),
                userDuration(user != null ? user.clientIdleTimeout() : null, s.duration(Setting.CLIENT_IDLE_TIMEOUT)),
                userDuration(user != null ? user.idleTransactionTimeout() : null,
                        s.duration(Setting.IDLE_TRANSACTION_TIMEOUT)),
                userDuration(user != null ? user.transactionTimeout() : null,
                        s.duration(Setting.TRANSACTION_TIMEOUT)),
                s.bool(Setting.SERVER_ROUND_ROBIN),
                s.bool(Setting.SERVER_FAST_CLOSE));
    }

    private static int firstSet(int first, int second, int fallback) {
        return first >= 0 ? first : second >= 0 ? second : fallback;
    }

    private static Duration userDuration(Duration fromUser, Duration fallback) {
        return fromUser != null ? fromUser : fallback;
    }

    /** The server login's secret: the database entry's password, else the user's auth_file secret. */
    private static ServerCredentials serverCredentials(DatabaseEntry database, Map<String, Secret> authFile,
            String serverUser) {
        if (database.password() != null) {
            return ServerCredentials.of(Secret.parse(database.password()));
        }
        Secret secret = authFile.get(serverUser);
        return secret == null ? ServerCredentials.NONE : ServerCredentials.of(secret);
    }
}
