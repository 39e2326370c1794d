package io.pgmux.admin.view;

/**
 * The sizes of the pooler's internal lists for SHOW LISTS.
 *
 * @param freeClients client objects kept for reuse; likewise freeServers
 * @param usedClients client objects in use; likewise usedServers
 * @param loginClients clients still logging in
 * @param dnsNames names in the DNS cache
 * @param dnsZones zones in the DNS cache
 * @param dnsQueries DNS queries in flight
 * @param dnsPending unused by PgBouncer (always 0)
 */
public record ListsSnapshot(int databases, int users, int peers, int pools, int peerPools, int freeClients,
        int usedClients, int loginClients, int freeServers, int usedServers, int dnsNames, int dnsZones,
        int dnsQueries, int dnsPending) {
}
