package io.pgmux.admin;

import io.pgmux.admin.view.ClientState;
import io.pgmux.admin.view.ConfigEntry;
import io.pgmux.admin.view.ConnectionSnapshot;
import io.pgmux.admin.view.DatabaseSnapshot;
import io.pgmux.admin.view.DnsHostSnapshot;
import io.pgmux.admin.view.DnsZoneSnapshot;
import io.pgmux.admin.view.LatencySnapshot;
import io.pgmux.admin.view.ListsSnapshot;
import io.pgmux.admin.view.MemSnapshot;
import io.pgmux.admin.view.PeerPoolSnapshot;
import io.pgmux.admin.view.PeerSnapshot;
import io.pgmux.admin.view.PoolSnapshot;
import io.pgmux.admin.view.PoolerState;
import io.pgmux.admin.view.PoolerView;
import io.pgmux.admin.view.ServerState;
import io.pgmux.admin.view.StatCounters;
import io.pgmux.admin.view.StatsSnapshot;
import io.pgmux.admin.view.UserSnapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A hand-filled PoolerView: tests set the fields, every method answers with what they hold. */
public final class FakePoolerView implements PoolerView {
    public List<PoolSnapshot> pools = List.of();
    public List<PeerPoolSnapshot> peerPools = List.of();
    public List<ConnectionSnapshot<ClientState>> clients = List.of();
    public List<ConnectionSnapshot<ServerState>> servers = List.of();
    public List<DatabaseSnapshot> databases = List.of();
    public List<UserSnapshot> users = List.of();
    public List<PeerSnapshot> peers = List.of();
    public StatsSnapshot stats = new StatsSnapshot(List.of(), StatCounters.ZERO, StatCounters.ZERO);
    public List<LatencySnapshot> latency = List.of();
    public ListsSnapshot lists = new ListsSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    public List<ConfigEntry> config = List.of();
    public List<MemSnapshot> mem = List.of();
    public PoolerState state = PoolerState.ACTIVE;
    public List<DnsHostSnapshot> dnsHosts = List.of();
    public List<DnsZoneSnapshot> dnsZones = List.of();

    @Override
    public CompletionStage<List<PoolSnapshot>> pools() {
        return CompletableFuture.completedFuture(pools);
    }

    @Override
    public CompletionStage<List<PeerPoolSnapshot>> peerPools() {
        return CompletableFuture.completedFuture(peerPools);
    }

    @Override
    public CompletionStage<List<ConnectionSnapshot<ClientState>>> clients() {
        return CompletableFuture.completedFuture(clients);
    }

    @Override
    public CompletionStage<List<ConnectionSnapshot<ServerState>>> servers() {
        return CompletableFuture.completedFuture(servers);
    }

    @Override
    public CompletionStage<List<DatabaseSnapshot>> databases() {
        return CompletableFuture.completedFuture(databases);
    }

    @Override
    public CompletionStage<List<UserSnapshot>> users() {
        return CompletableFuture.completedFuture(users);
    }

    @Override
    public CompletionStage<List<PeerSnapshot>> peers() {
        return CompletableFuture.completedFuture(peers);
    }

    @Override
    public CompletionStage<StatsSnapshot> stats() {
        return CompletableFuture.completedFuture(stats);
    }

    @Override
    public CompletionStage<List<LatencySnapshot>> latency() {
        return CompletableFuture.completedFuture(latency);
    }

    @Override
    public CompletionStage<ListsSnapshot> lists() {
        return CompletableFuture.completedFuture(lists);
    }

    @Override
    public CompletionStage<List<ConfigEntry>> config() {
        return CompletableFuture.completedFuture(config);
    }

    @Override
    public CompletionStage<List<MemSnapshot>> mem() {
        return CompletableFuture.completedFuture(mem);
    }

    @Override
    public CompletionStage<PoolerState> state() {
        return CompletableFuture.completedFuture(state);
    }

    @Override
    public CompletionStage<List<DnsHostSnapshot>> dnsHosts() {
        return CompletableFuture.completedFuture(dnsHosts);
    }

    @Override
    public CompletionStage<List<DnsZoneSnapshot>> dnsZones() {
        return CompletableFuture.completedFuture(dnsZones);
    }
}
