package io.pgmux.admin.show;

import io.pgmux.admin.AdminNotice;
import io.pgmux.admin.AdminResult;
import io.pgmux.admin.FakeParameter;
import io.pgmux.admin.PgmuxVersion;
import io.pgmux.admin.ShowSubject;
import io.pgmux.admin.view.ClientState;
import io.pgmux.admin.view.ConnectionSnapshot;
import io.pgmux.admin.view.PoolerView;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Answers each SHOW subject: reads the snapshots it needs from the view and renders them with its table. */
public final class ShowCatalog {
    private final ConnectionTables connectionTables;

    /** Timestamps of SHOW CLIENTS, SERVERS and SOCKETS print in this zone. */
    public ShowCatalog(ZoneId zone) {
        connectionTables = new ConnectionTables(zone);
    }

    /** The result of SHOW subject: rows, or for HELP a notice. Access rights are the caller's to check. */
    public CompletionStage<AdminResult> show(ShowSubject subject, PoolerView view) {
        return switch (subject) {
            case HELP -> CompletableFuture.completedFuture(new AdminResult.Completed("SHOW", AdminNotice.HELP));
            case CONFIG -> rows(view.config().thenApply(ConfigTables.CONFIG::render));
            case DATABASES -> rows(view.databases().thenApply(ConfigTables.DATABASES::render));
            case POOLS -> rows(view.pools().thenApply(PoolTables.POOLS::render));
            case CLIENTS -> rows(view.clients().thenApply(clients -> connectionTables.connections().render(
                    clients.stream().filter(c -> c.state() != ClientState.LOGIN).toList())));
            case SERVERS -> rows(view.servers().thenApply(connectionTables.connections()::render));
            case USERS -> rows(view.users().thenApply(ConfigTables.USERS::render));
            case VERSION -> rows(CompletableFuture.completedFuture(
                    ProcessTables.VERSION.render(List.of(PgmuxVersion.text()))));
            case PEERS -> rows(view.peers().thenApply(ConfigTables.PEERS::render));
            case PEER_POOLS -> rows(view.peerPools().thenApply(PoolTables.PEER_POOLS::render));
            case FDS -> rows(CompletableFuture.completedFuture(ConnectionTables.FDS));
            case SOCKETS -> rows(sockets(view, false));
            case ACTIVE_SOCKETS -> rows(sockets(view, true));
            case LISTS -> rows(view.lists().thenApply(l -> ProcessTables.LISTS.render(ProcessTables.listsRows(l))));
            case MEM -> rows(view.mem().thenApply(ProcessTables.MEM::render));
            case STATE -> rows(view.state().thenApply(s -> ProcessTables.STATE.render(ProcessTables.stateRows(s))));
            case DNS_HOSTS -> rows(view.dnsHosts().thenApply(ProcessTables.DNS_HOSTS::render));
            case DNS_ZONES -> rows(view.dnsZones().thenApply(ProcessTables.DNS_ZONES::render));
            case STATS -> rows(view.stats().thenApply(s -> StatsTables.STATS.render(s.databases())));
            case STATS_TOTALS -> rows(view.stats().thenApply(s -> StatsTables.STATS_TOTALS.render(s.databases())));
            case STATS_AVERAGES -> rows(view.stats().thenApply(
                    s -> StatsTables.STATS_AVERAGES.render(s.databases())));
            case TOTALS -> rows(view.stats().thenApply(
                    s -> StatsTables.TOTALS.render(StatsTables.totalsRows(s.totals(), s.averages()))));
            case LATENCY -> rows(view.latency().thenApply(StatsTables.LATENCY::render));
        };
    }

    /** The one-column, one-row answer to {@code SHOW client_encoding} and the like. */
    public static ResultTable parameter(FakeParameter parameter) {
        return new ResultTable(List.of(new Column(parameter.parameterName(), PgType.TEXT)),
                List.of(List.of(parameter.value())));
    }

    private static CompletionStage<AdminResult> rows(CompletionStage<ResultTable> table) {
        return table.thenApply(AdminResult.Rows::new);
    }

    /** Clients in a pool, then servers, then clients logging in (PgBouncer lists those last); active: buffered ones. */
    private CompletionStage<ResultTable> sockets(PoolerView view, boolean activeOnly) {
        return view.clients().thenCombine(view.servers(), (clients, servers) -> {
            List<ConnectionSnapshot<?>> rows = new ArrayList<>();
            clients.stream().filter(c -> c.state() != ClientState.LOGIN).forEach(rows::add);
            rows.addAll(servers);
            clients.stream().filter(c -> c.state() == ClientState.LOGIN).forEach(rows::add);
            rows.removeIf(c -> activeOnly && c.buffers().isEmpty());
            return connectionTables.sockets().render(rows);
        });
    }
}
