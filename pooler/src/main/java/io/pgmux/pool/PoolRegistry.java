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
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Every pool, created on first use from the config: one per client-visible database and server user. */
public final class PoolRegistry {
    private final ConcurrentHashMap<PoolKey, Pool> pools = new ConcurrentHashMap<>();
    /** Servers per database and per server user, over all pools: for max_db_connections, max_user_connections. */
    private final ConcurrentHashMap<String, AtomicInteger> databaseCounts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> userCounts = new ConcurrentHashMap<>();
    private final EventLoop[] loops;
    private final ServerConnector connector;
    private final Pauses pauses = new Pauses();

    public PoolRegistry(EventLoop[] loops, ServerConnector connector) {
        this.loops = loops;
        this.connector = connector;
    }

    /** The pause state every pool obeys. */
    public Pauses pauses() {
        return pauses;
    }

    /**
     * The pool for a client of {@code database} logged in as {@code user}. A database entry with a forced
     * {@code user=} gives every client the same pool.
     */
    public Pool poolFor(PgBouncerConfig config, Map<String, Secret> authFile, DatabaseEntry database, String user) {
        return poolFor(config, authFile, database, user, null);
    }

    /**
     * As {@link #poolFor(PgBouncerConfig, Map, DatabaseEntry, String)}, for a user whose secret auth_query found:
     * the pool logs in to the server with that secret (the latest one wins, as in PgBouncer).
     */
    public Pool poolFor(PgBouncerConfig config, Map<String, Secret> authFile, DatabaseEntry database, String user,
            Secret queriedSecret) {
        String serverUser = database.user() != null ? database.user() : user;
        PoolKey key = new PoolKey(database.name(), serverUser);
        Pool pool = pools.computeIfAbsent(key, k -> {
            PoolSettings settings = settingsFor(config, authFile, database, serverUser);
            ServerLimits limits = new ServerLimits(
                    databaseCounts.computeIfAbsent(database.name(), n -> new AtomicInteger()),
                    settings.maxDbConnections(),
                    userCounts.computeIfAbsent(serverUser, n -> new AtomicInteger()),
                    settings.maxUserConnections());
            return new Pool(k, settings, loops, connector, limits, pauses);
        });
        if (queriedSecret != null && database.user() == null && database.password() == null) {
            pool.useCredentials(ServerCredentials.of(queriedSecret));
        }
        return pool;
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
