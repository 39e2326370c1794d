package io.pgmux.admin.view;

import java.util.Objects;

/**
 * One DNS zone in the cache for SHOW DNS_ZONES.
 *
 * @param serial the zone's current SOA serial
 * @param count host names in this zone
 */
public record DnsZoneSnapshot(String zonename, long serial, int count) {
    public DnsZoneSnapshot {
        Objects.requireNonNull(zonename, "zonename");
    }
}
