package io.pgmux.admin.show;

import static io.pgmux.admin.Snapshots.CONNECTED;
import static io.pgmux.admin.Snapshots.connection;
import static java.util.Arrays.asList;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.pgmux.admin.AdminNotice;
import io.pgmux.admin.AdminResult;
import io.pgmux.admin.FakePoolerView;
import io.pgmux.admin.PgmuxVersion;
import io.pgmux.admin.ShowSubject;
import io.pgmux.admin.view.ClientState;
import io.pgmux.admin.view.ConfigEntry;
import io.pgmux.admin.view.ConnectionSnapshot;
import io.pgmux.admin.view.DatabaseSnapshot;
import io.pgmux.admin.view.DatabaseStats;
import io.pgmux.admin.view.DnsHostSnapshot;
import io.pgmux.admin.view.DnsZoneSnapshot;
import io.pgmux.admin.view.LatencyPercentiles;
import io.pgmux.admin.view.LatencySnapshot;
import io.pgmux.admin.view.ListsSnapshot;
import io.pgmux.admin.view.LoadBalanceHosts;
import io.pgmux.admin.view.MemSnapshot;
import io.pgmux.admin.view.PeerPoolSnapshot;
import io.pgmux.admin.view.PeerSnapshot;
import io.pgmux.admin.view.PoolMode;
import io.pgmux.admin.view.PoolSnapshot;
import io.pgmux.admin.view.PoolerState;
import io.pgmux.admin.view.Replication;
import io.pgmux.admin.view.ServerState;
import io.pgmux.admin.view.SocketBuffers;
import io.pgmux.admin.view.StatCounters;
import io.pgmux.admin.view.StateCounts;
import io.pgmux.admin.view.StatsSnapshot;
import io.pgmux.admin.view.UserSnapshot;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each SHOW prints its snapshots as PgBouncer prints the same state. */
class ShowRowsTest {
    private final FakePoolerView view = new FakePoolerView();

    private List<List<String>> rows(ShowSubject subject) {
        return rows(subject, ZoneId.of("UTC"));
    }

    private List<List<String>> rows(ShowSubject subject, ZoneId zone) {
        AdminResult result = new ShowCatalog(zone).show(subject, view).toCompletableFuture().join();
        return assertInstanceOf(AdminResult.Rows.class, result).table().rows();
    }

    private static List<String> cells(String... cells) {
        return asList(cells);
    }

    @Test
    void poolsCountIdleClientsAsActiveAndSplitMaxWait() {
        StateCounts counts = new StateCounts(
                Map.of(ClientState.ACTIVE, 2, ClientState.IDLE, 3, ClientState.WAITING, 4,
                        ClientState.ACTIVE_CANCEL_REQ, 5, ClientState.WAITING_CANCEL_REQ, 6, ClientState.LOGIN, 99),
                Map.of(ServerState.ACTIVE, 7, ServerState.ACTIVE_CANCEL, 8, ServerState.BEING_CANCELED, 9,
                        ServerState.IDLE, 10, ServerState.USED, 11, ServerState.TESTED, 12, ServerState.LOGIN, 13));
        view.pools = List.of(
                new PoolSnapshot("appdb", "app", counts, 3_250_000L, PoolMode.TRANSACTION, null),
                new PoolSnapshot("multi", "app", StateCounts.NONE, 0, PoolMode.SESSION, LoadBalanceHosts.ROUND_ROBIN));
        assertEquals(List.of(
                cells("appdb", "app", "5", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "3", "250000",
                        "transaction", null),
                cells("multi", "app", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0",
                        "session", "round-robin")), rows(ShowSubject.POOLS));
    }

    @Test
    void peerPoolsShowCancelCounts() {
        view.peerPools = List.of(new PeerPoolSnapshot(3, new StateCounts(
                Map.of(ClientState.ACTIVE_CANCEL_REQ, 1, ClientState.WAITING_CANCEL_REQ, 2),
                Map.of(ServerState.ACTIVE_CANCEL, 3, ServerState.LOGIN, 4))));
        assertEquals(List.of(cells("3", "1", "2", "3", "4")), rows(ShowSubject.PEER_POOLS));
    }

    @Test
    void clientsShowEveryColumnAndLeaveOutClientsLoggingIn() {
        view.clients = List.of(
                connection(ClientState.ACTIVE, 42, 43L),
                connection(ClientState.LOGIN, 44, null),
                connection(ClientState.IDLE, 45, null));
        assertEquals(List.of(
                cells("C", "app", "appdb", "none", "active", "10.0.0.7", "51234", "10.0.0.1", "6432",
                        "2024-03-01 12:34:56 UTC", "2024-03-01 12:35:07 UTC", "2", "500000", "0", "0x2a", "0x2b",
                        "0", "", "psql", "3", "42"),
                cells("C", "app", "appdb", "none", "idle", "10.0.0.7", "51234", "10.0.0.1", "6432",
                        "2024-03-01 12:34:56 UTC", "2024-03-01 12:35:07 UTC", "2", "500000", "0", "0x2d", "",
                        "0", "", "psql", "3", "45")), rows(ShowSubject.CLIENTS));
    }

    @Test
    void clientsWithoutUserOrDatabaseShowPlaceholders() {
        view.clients = List.of(new ConnectionSnapshot<>(ClientState.WAITING_CANCEL_REQ, 9, null, null,
                Replication.LOGICAL, "unix", 6432, "unix", 6432, CONNECTED,
                CONNECTED, 0, true, null, 4711, "TLSv1.3", "", 0, SocketBuffers.EMPTY));
        List<String> row = rows(ShowSubject.CLIENTS).get(0);
        assertEquals(cells("C", "(nouser)", "(nodb)", "logical", "waiting_cancel_req", "unix", "6432"),
                row.subList(0, 7));
        assertEquals(cells("0", "0", "1"), row.subList(11, 14));
        assertEquals(cells("4711", "TLSv1.3", "", "0", "9"), row.subList(16, 21));
    }

    @Test
    void timestampsPrintInTheGivenZoneWithItsAbbreviation() {
        view.clients = List.of(connection(ClientState.ACTIVE, 1, null));
        List<String> row = rows(ShowSubject.CLIENTS, ZoneId.of("Europe/Berlin")).get(0);
        assertEquals(cells("2024-03-01 13:34:56 CET", "2024-03-01 13:35:07 CET"), row.subList(9, 11));
    }

    @Test
    void serversShowTheirStateWordsAndTypeS() {
        view.servers = List.of(
                connection(ServerState.ACTIVE, 43, 42L),
                connection(ServerState.LOGIN, 46, null),
                connection(ServerState.BEING_CANCELED, 47, null));
        List<List<String>> rows = rows(ShowSubject.SERVERS);
        assertEquals(List.of("S", "S", "S"), rows.stream().map(r -> r.get(0)).toList());
        assertEquals(List.of("active", "new", "being_canceled"), rows.stream().map(r -> r.get(4)).toList());
        assertEquals(List.of("0x2a", "", ""), rows.stream().map(r -> r.get(15)).toList());
    }

    @Test
    void socketsListPoolClientsThenServersThenLoginClientsByListName() {
        SocketBuffers buffered = new SocketBuffers(100, 60, 5, 40, 0, 40, 20);
        view.clients = List.of(
                connection(ClientState.LOGIN, 1, null),
                connection(ClientState.IDLE, 2, null, buffered));
        view.servers = List.of(connection(ServerState.LOGIN, 3, null));
        List<List<String>> rows = rows(ShowSubject.SOCKETS);
        assertEquals(List.of("cl_active", "sv_login", "cl_login"), rows.stream().map(r -> r.get(4)).toList());
        assertEquals(cells("100", "60", "5", "40", "0", "40", "20"), rows.get(0).subList(21, 28));
        assertEquals(cells("0", "0", "0", "0", "0", "0", "0"), rows.get(1).subList(21, 28));
    }

    @Test
    void activeSocketsAreThoseWithBufferedBytes() {
        view.clients = List.of(
                connection(ClientState.ACTIVE, 1, null, new SocketBuffers(10, 10, 0, 10, 0, 0, 0)),
                connection(ClientState.ACTIVE, 2, null, new SocketBuffers(10, 10, 0, 4, 0, 0, 6)),
                connection(ClientState.ACTIVE, 3, null, new SocketBuffers(10, 10, 7, 10, 0, 0, 0)));
        assertEquals(List.of("2", "3"), rows(ShowSubject.ACTIVE_SOCKETS).stream().map(r -> r.get(20)).toList());
    }

    @Test
    void databasesShowEffectiveSettingsAndNullForInherited() {
        view.databases = List.of(
                new DatabaseSnapshot("appdb", "db1,db2", 5432, "app_prod", "svc", 20, 2, 5, 3600,
                        PoolMode.TRANSACTION, LoadBalanceHosts.DISABLE, 50, 7, 200, 9, true, false),
                new DatabaseSnapshot("pgbouncer", null, 6432, "pgbouncer", "pgbouncer", 2, 0, 0, 3600, null,
                        null, 0, 0, 0, 1, false, true));
        assertEquals(List.of(
                cells("appdb", "db1,db2", "5432", "app_prod", "svc", "20", "2", "5", "3600", "transaction",
                        "disable", "50", "7", "200", "9", "1", "0"),
                cells("pgbouncer", null, "6432", "pgbouncer", "pgbouncer", "2", "0", "0", "3600", null, null,
                        "0", "0", "0", "1", "0", "1")), rows(ShowSubject.DATABASES));
    }

    @Test
    void usersPadPoolSizesAsPgBouncerAndLeaveUnsetOnesEmpty() {
        view.users = List.of(
                new UserSnapshot("app", 20, 3, PoolMode.STATEMENT, 100, 4, 0, 12),
                new UserSnapshot("report", null, null, null, 0, 0, 0, 0));
        assertEquals(List.of(
                cells("app", "       20", "        3", "statement", "100", "4", "0", "12"),
                cells("report", "", "", null, "0", "0", "0", "0")), rows(ShowSubject.USERS));
    }

    @Test
    void peersShowTheirEntries() {
        view.peers = List.of(new PeerSnapshot(2, "10.0.0.2", 6432, 20));
        assertEquals(List.of(cells("2", "10.0.0.2", "6432", "20")), rows(ShowSubject.PEERS));
    }

    @Test
    void statsShowTotalsThenAveragesPerDatabase() {
        StatCounters totals = new StatCounters(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        StatCounters averages = new StatCounters(21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        view.stats = new StatsSnapshot(List.of(new DatabaseStats("appdb", totals, averages)), totals, averages);
        assertEquals(List.of(cells("appdb", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
                "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31")), rows(ShowSubject.STATS));
        assertEquals(List.of(cells("appdb", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")),
                rows(ShowSubject.STATS_TOTALS));
        assertEquals(List.of(cells("appdb", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31")),
                rows(ShowSubject.STATS_AVERAGES));
    }

    @Test
    void totalsShowTheOverallCountersNotPerDatabaseSums() {
        StatCounters perDb = new StatCounters(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        view.stats = new StatsSnapshot(List.of(new DatabaseStats("a", perDb, perDb), new DatabaseStats("b", perDb,
                perDb)), new StatCounters(100, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
                new StatCounters(200, 22, 23, 24, 25, 26, 27, 28, 29, 30, Long.parseUnsignedLong("18446744073709551615")));
        List<String> values = rows(ShowSubject.TOTALS).stream().map(r -> r.get(1)).toList();
        assertEquals(List.of("100", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
                "200", "22", "23", "24", "25", "26", "27", "28", "29", "30", "18446744073709551615"), values);
    }

    @Test
    void latencyShowsQueryThenTransactionThenWaitPercentilesPerPool() {
        view.latency = List.of(new LatencySnapshot("appdb", "app", new LatencyPercentiles(1, 2, 3, 4, 5),
                new LatencyPercentiles(11, 12, 13, 14, 15), new LatencyPercentiles(21, 22, 23, 24, 25)));
        assertEquals(List.of(cells("appdb", "app", "1", "2", "3", "4", "5", "11", "12", "13", "14", "15",
                "21", "22", "23", "24", "25")), rows(ShowSubject.LATENCY));
    }

    @Test
    void listsShowEachCount() {
        view.lists = new ListsSnapshot(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"),
                rows(ShowSubject.LISTS).stream().map(r -> r.get(1)).toList());
    }

    @Test
    void stateSaysYesForTheCurrentStateOnly() {
        view.state = PoolerState.PAUSED;
        assertEquals(List.of(cells("active", "no"), cells("paused", "yes"), cells("suspended", "no")),
                rows(ShowSubject.STATE));
        view.state = PoolerState.SUSPENDED;
        assertEquals(List.of("no", "no", "yes"), rows(ShowSubject.STATE).stream().map(r -> r.get(1)).toList());
        view.state = PoolerState.ACTIVE;
        assertEquals(List.of("yes", "no", "no"), rows(ShowSubject.STATE).stream().map(r -> r.get(1)).toList());
    }

    @Test
    void configShowsValuesDefaultsAndChangeability() {
        view.config = List.of(
                new ConfigEntry("listen_port", "6433", "6432", false),
                new ConfigEntry("auth_user", null, null, true));
        assertEquals(List.of(cells("listen_port", "6433", "6432", "no"), cells("auth_user", null, null, "yes")),
                rows(ShowSubject.CONFIG));
    }

    @Test
    void memDnsAndVersionShowTheirValues() {
        view.mem = List.of(new MemSnapshot("server_cache", 400, 3, 7, 4000));
        view.dnsHosts = List.of(new DnsHostSnapshot("db.example", 12, List.of("10.0.0.5", "10.0.0.6")));
        view.dnsZones = List.of(new DnsZoneSnapshot("example", 2024030101L, 2));
        assertEquals(List.of(cells("server_cache", "400", "3", "7", "4000")), rows(ShowSubject.MEM));
        assertEquals(List.of(cells("db.example", "12", "10.0.0.5,10.0.0.6")), rows(ShowSubject.DNS_HOSTS));
        assertEquals(List.of(cells("example", "2024030101", "2")), rows(ShowSubject.DNS_ZONES));
        assertEquals(List.of(cells(PgmuxVersion.text())), rows(ShowSubject.VERSION));
    }

    @Test
    void fdsHasNoRows() {
        view.clients = List.of(connection(ClientState.ACTIVE, 1, null));
        assertEquals(List.of(), rows(ShowSubject.FDS));
    }

    @Test
    void helpIsPgBouncersNoticeWithShowLatency() {
        AdminResult result = new ShowCatalog(ZoneId.of("UTC")).show(ShowSubject.HELP, view)
                .toCompletableFuture().join();
        assertEquals(new AdminResult.Completed("SHOW", AdminNotice.HELP), result);
        assertEquals("Console usage", AdminNotice.HELP.message());
        assertEquals("\n\tSHOW HELP|CONFIG|DATABASES|POOLS|CLIENTS|SERVERS|USERS|VERSION\n"
                + "\tSHOW PEERS|PEER_POOLS\n"
                + "\tSHOW FDS|SOCKETS|ACTIVE_SOCKETS|LISTS|MEM|STATE\n"
                + "\tSHOW DNS_HOSTS|DNS_ZONES\n"
                + "\tSHOW STATS|STATS_TOTALS|STATS_AVERAGES|TOTALS\n"
                + "\tSHOW LATENCY\n"
                + "\tSET key = arg\n"
                + "\tRELOAD\n"
                + "\tPAUSE [<db>]\n"
                + "\tRESUME [<db>]\n"
                + "\tDISABLE <db>\n"
                + "\tENABLE <db>\n"
                + "\tRECONNECT [<db>]\n"
                + "\tKILL [<db>]\n"
                + "\tKILL_CLIENT <client_id>\n"
                + "\tSUSPEND\n"
                + "\tSHUTDOWN\n"
                + "\tSHUTDOWN WAIT_FOR_SERVERS|WAIT_FOR_CLIENTS\n"
                + "\tWAIT_CLOSE [<db>]", AdminNotice.HELP.detail());
    }
}
