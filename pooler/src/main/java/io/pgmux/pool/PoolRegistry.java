package io.pgmux.pool;

import io.netty.channel.EventLoop;
import io.pgmux.config.DatabaseEntry;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.PoolMode;
import io.pgmux.config.Secret;
import io.pgmux.config.Setting;
import io.pgmux.config.Settings;
import io.pgmux.config.UserEntry;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Every pool, created on first use from the config: one per client-visible database and server user. */
public final class PoolRegistry {
    private final ConcurrentHashMap<PoolKey, Pool> pools = new ConcurrentHashMap<>();
    private final EventLoop[] loops;
    private final ServerConnector connector;

    public PoolRegistry(EventLoop[] loops, ServerConnector connector) {
        this.loops = loops;
        this.connector = connector;
    }

    /**
     * The pool for a client of {@code database} logged in as {@code user}. A database entry with a forced
     * {@code user=} gives every client the same pool.
     */
    public Pool poolFor(PgBouncerConfig config, Map<String, Secret> authFile, DatabaseEntry database, String user) {
        String serverUser = database.user() != null ? database.user() : user;
        PoolKey key = new PoolKey(database.name(), serverUser);
        return pools.computeIfAbsent(key, k -> new Pool(k, settingsFor(config, authFile, database, serverUser),
                loops, connector));
    }

    public Collection<Pool> pools() {
        return pools.values();
    }

    static PoolSettings settingsFor(PgBouncerConfig config, Map<String, Secret> authFile, DatabaseEntry database,
            String serverUser) {
        Settings s = config.settings();
        UserEntry userEntry = config.user(serverUser).orElse(null);
        int poolSize = database.poolSize() >= 0 ? database.poolSize()
                : userEntry != null && userEntry.poolSize() >= 0 ? userEntry.poolSize()
                : s.integer(Setting.DEFAULT_POOL_SIZE);
        if (poolSize == 0) {
            // PgBouncer 1.24+: 0 means no limit.
            poolSize = Integer.MAX_VALUE;
        }
        PoolMode mode = userEntry != null && userEntry.poolMode() != null ? userEntry.poolMode()
                : database.poolMode() != null ? database.poolMode() : s.poolMode();
        return new PoolSettings(database, serverUser, serverCredentials(database, authFile, serverUser), poolSize, mode,
                s.string(Setting.SERVER_RESET_QUERY), s.duration(Setting.SERVER_LOGIN_RETRY),
                s.duration(Setting.SERVER_CONNECT_TIMEOUT), s.bool(Setting.SERVER_ROUND_ROBIN));
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
