package io.pgmux.admin.view;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The read-only view of the pooler the admin console shows, implemented by the pooler. Each method completes with an
 * immutable snapshot, gathered from the event loops without blocking any of them; lists are in the order rows are
 * to be shown.
 */
public interface PoolerView {
    /** Every (database, user) pool, the admin pool included. */
    CompletionStage<List<PoolSnapshot>> pools();

    /** Every peer pool. */
    CompletionStage<List<PeerPoolSnapshot>> peerPools();

    /** Every client connection, those still logging in included. */
    CompletionStage<List<ConnectionSnapshot<ClientState>>> clients();

    /** Every server connection, peers' included. */
    CompletionStage<List<ConnectionSnapshot<ServerState>>> servers();

    /** Every database, the admin database and auto-databases included. */
    CompletionStage<List<DatabaseSnapshot>> databases();

    /** Every user the pooler knows. */
    CompletionStage<List<UserSnapshot>> users();

    /** Every [peers] entry. */
    CompletionStage<List<PeerSnapshot>> peers();

    /** Statistics per database and overall. */
    CompletionStage<StatsSnapshot> stats();

    /**
     * Latency percentiles per pool since the older of the last two stats_period ticks, the averages' window
     * (pgmux's own SHOW LATENCY).
     */
    CompletionStage<List<LatencySnapshot>> latency();

    /** The sizes of the internal lists. */
    CompletionStage<ListsSnapshot> lists();

    /** Every [pgbouncer] setting in PgBouncer's order, with values as they are now. */
    CompletionStage<List<ConfigEntry>> config();

    /** The caches of reusable objects; empty when there are none. */
    CompletionStage<List<MemSnapshot>> mem();

    /** Whether the pooler runs, is paused or is suspended. */
    CompletionStage<PoolerState> state();

    /** The DNS cache's host names; empty when there is no cache. */
    CompletionStage<List<DnsHostSnapshot>> dnsHosts();

    /** The DNS cache's zones; empty when zone checks are off. */
    CompletionStage<List<DnsZoneSnapshot>> dnsZones();
}
