package io.pgmux.admin.show;

import io.pgmux.admin.view.LoadBalanceHosts;
import io.pgmux.admin.view.PeerPoolSnapshot;
import io.pgmux.admin.view.PoolSnapshot;
import io.pgmux.admin.view.StateCounts;
import java.util.function.Function;

/** SHOW POOLS and SHOW PEER_POOLS: connection counts per state, one row per pool. */
final class PoolTables {
    private static final long MICROS_PER_SECOND = 1_000_000L;

    /** admin.c admin_show_pools. */
    static final ShowTable<PoolSnapshot> POOLS = counts(ShowTable.<PoolSnapshot>builder()
                    .text("database", PoolSnapshot::database)
                    .text("user", PoolSnapshot::user),
            PoolSnapshot::counts,
            "cl_active", "cl_waiting", "cl_active_cancel_req", "cl_waiting_cancel_req",
            "sv_active", "sv_active_cancel", "sv_being_canceled", "sv_idle", "sv_used", "sv_tested", "sv_login")
            .int4("maxwait", p -> p.maxWaitUs() / MICROS_PER_SECOND)
            .int4("maxwait_us", p -> p.maxWaitUs() % MICROS_PER_SECOND)
            .text("pool_mode", p -> p.poolMode().word())
            .text("load_balance_hosts", p -> word(p.loadBalanceHosts()))
            .build();

    /** admin.c admin_show_peer_pools. */
    static final ShowTable<PeerPoolSnapshot> PEER_POOLS = counts(ShowTable.<PeerPoolSnapshot>builder()
                    .int4("peer_id", PeerPoolSnapshot::peerId),
            PeerPoolSnapshot::counts,
            "cl_active_cancel_req", "cl_waiting_cancel_req", "sv_active_cancel", "sv_login")
            .build();

    private PoolTables() {
    }

    private static <E> ShowTable.Builder<E> counts(ShowTable.Builder<E> builder,
            Function<? super E, StateCounts> counts, String... columnNames) {
        for (String name : columnNames) {
            builder.int4(name, item -> counts.apply(item).column(name));
        }
        return builder;
    }

    static String word(LoadBalanceHosts setting) {
        return setting == null ? null : setting.word();
    }
}
