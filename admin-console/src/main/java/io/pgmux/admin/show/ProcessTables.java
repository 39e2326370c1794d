package io.pgmux.admin.show;

import io.pgmux.admin.view.DnsHostSnapshot;
import io.pgmux.admin.view.DnsZoneSnapshot;
import io.pgmux.admin.view.ListsSnapshot;
import io.pgmux.admin.view.MemSnapshot;
import io.pgmux.admin.view.PoolerState;
import java.util.List;
import java.util.Map;

/** SHOW LISTS, MEM, STATE, DNS_HOSTS, DNS_ZONES and VERSION: the process and its caches. */
final class ProcessTables {
    /** admin.c admin_show_lists. */
    static final ShowTable<Map.Entry<String, Integer>> LISTS = ShowTable.<Map.Entry<String, Integer>>builder()
            .text("list", Map.Entry::getKey)
            .int4("items", Map.Entry::getValue)
            .build();

    /** admin.c admin_show_mem. */
    static final ShowTable<MemSnapshot> MEM = ShowTable.<MemSnapshot>builder()
            .text("name", MemSnapshot::name)
            .int4("size", MemSnapshot::size)
            .int4("used", MemSnapshot::used)
            .int4("free", MemSnapshot::free)
            .int4("memtotal", MemSnapshot::memTotal)
            .build();

    /** admin.c admin_show_state. */
    static final ShowTable<Map.Entry<String, Boolean>> STATE = ShowTable.<Map.Entry<String, Boolean>>builder()
            .text("key", Map.Entry::getKey)
            .text("value", e -> e.getValue() ? "yes" : "no")
            .build();

    /** admin.c admin_show_dns_hosts. */
    static final ShowTable<DnsHostSnapshot> DNS_HOSTS = ShowTable.<DnsHostSnapshot>builder()
            .text("hostname", DnsHostSnapshot::hostname)
            .int8("ttl", DnsHostSnapshot::ttlSeconds)
            .text("addrs", h -> String.join(",", h.addrs()))
            .build();

    /** admin.c admin_show_dns_zones. */
    static final ShowTable<DnsZoneSnapshot> DNS_ZONES = ShowTable.<DnsZoneSnapshot>builder()
            .text("zonename", DnsZoneSnapshot::zonename)
            .int8("serial", DnsZoneSnapshot::serial)
            .int4("count", DnsZoneSnapshot::count)
            .build();

    /** admin.c admin_show_version. */
    static final ShowTable<String> VERSION = ShowTable.<String>builder()
            .text("version", v -> v)
            .build();

    private ProcessTables() {
    }

    /** SHOW LISTS' rows, in PgBouncer's order. */
    static List<Map.Entry<String, Integer>> listsRows(ListsSnapshot l) {
        return List.of(
                Map.entry("databases", l.databases()),
                Map.entry("users", l.users()),
                Map.entry("peers", l.peers()),
                Map.entry("pools", l.pools()),
                Map.entry("peer_pools", l.peerPools()),
                Map.entry("free_clients", l.freeClients()),
                Map.entry("used_clients", l.usedClients()),
                Map.entry("login_clients", l.loginClients()),
                Map.entry("free_servers", l.freeServers()),
                Map.entry("used_servers", l.usedServers()),
                Map.entry("dns_names", l.dnsNames()),
                Map.entry("dns_zones", l.dnsZones()),
                Map.entry("dns_queries", l.dnsQueries()),
                Map.entry("dns_pending", l.dnsPending()));
    }

    /** SHOW STATE's rows: active, paused, suspended, each yes or no. */
    static List<Map.Entry<String, Boolean>> stateRows(PoolerState state) {
        return List.of(
                Map.entry("active", state == PoolerState.ACTIVE),
                Map.entry("paused", state == PoolerState.PAUSED),
                Map.entry("suspended", state == PoolerState.SUSPENDED));
    }
}
