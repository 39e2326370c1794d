package io.pgmux.admin.show;

import io.pgmux.admin.view.ConfigEntry;
import io.pgmux.admin.view.DatabaseSnapshot;
import io.pgmux.admin.view.PeerSnapshot;
import io.pgmux.admin.view.PoolMode;
import io.pgmux.admin.view.UserSnapshot;
import java.util.Locale;

/** SHOW DATABASES, USERS, PEERS and CONFIG: what is configured, one row per entry, never a password. */
final class ConfigTables {
    /** admin.c admin_show_databases. */
    static final ShowTable<DatabaseSnapshot> DATABASES = ShowTable.<DatabaseSnapshot>builder()
            .text("name", DatabaseSnapshot::name)
            .text("host", DatabaseSnapshot::host)
            .int4("port", DatabaseSnapshot::port)
            .text("database", DatabaseSnapshot::database)
            .text("force_user", DatabaseSnapshot::forceUser)
            .int4("pool_size", DatabaseSnapshot::poolSize)
            .int4("min_pool_size", DatabaseSnapshot::minPoolSize)
            .int4("reserve_pool_size", DatabaseSnapshot::reservePoolSize)
            .int4("server_lifetime", DatabaseSnapshot::serverLifetimeSeconds)
            .text("pool_mode", d -> word(d.poolMode()))
            .text("load_balance_hosts", d -> PoolTables.word(d.loadBalanceHosts()))
            .int4("max_connections", DatabaseSnapshot::maxConnections)
            .int4("current_connections", DatabaseSnapshot::currentConnections)
            .int4("max_client_connections", DatabaseSnapshot::maxClientConnections)
            .int4("current_client_connections", DatabaseSnapshot::currentClientConnections)
            .int4("paused", d -> d.paused() ? 1 : 0)
            .int4("disabled", d -> d.disabled() ? 1 : 0)
            .build();

    /** admin.c admin_show_users: pool_size and reserve_pool_size are text, {@code %9d} when set, empty when not. */
    static final ShowTable<UserSnapshot> USERS = ShowTable.<UserSnapshot>builder()
            .text("name", UserSnapshot::name)
            .text("pool_size", u -> padded(u.poolSize()))
            .text("reserve_pool_size", u -> padded(u.reservePoolSize()))
            .text("pool_mode", u -> word(u.poolMode()))
            .int4("max_user_connections", UserSnapshot::maxUserConnections)
            .int4("current_connections", UserSnapshot::currentConnections)
            .int4("max_user_client_connections", UserSnapshot::maxUserClientConnections)
            .int4("current_client_connections", UserSnapshot::currentClientConnections)
            .build();

    /** admin.c admin_show_peers. */
    static final ShowTable<PeerSnapshot> PEERS = ShowTable.<PeerSnapshot>builder()
            .int4("peer_id", PeerSnapshot::peerId)
            .text("host", PeerSnapshot::host)
            .int4("port", PeerSnapshot::port)
            .int4("pool_size", PeerSnapshot::poolSize)
            .build();

    /** admin.c admin_show_config. */
    static final ShowTable<ConfigEntry> CONFIG = ShowTable.<ConfigEntry>builder()
            .text("key", ConfigEntry::key)
            .text("value", c -> SecretMask.configValue(c.key(), c.value()))
            .text("default", c -> SecretMask.configValue(c.key(), c.defaultValue()))
            .text("changeable", c -> c.changeable() ? "yes" : "no")
            .build();

    private ConfigTables() {
    }

    private static String word(PoolMode mode) {
        return mode == null ? null : mode.word();
    }

    private static String padded(Integer size) {
        return size == null ? "" : String.format(Locale.ROOT, "%9d", size);
    }
}
