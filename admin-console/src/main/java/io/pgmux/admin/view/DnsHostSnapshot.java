package io.pgmux.admin.view;

import java.util.List;
import java.util.Objects;

/**
 * One host name in the DNS cache for SHOW DNS_HOSTS.
 *
 * @param ttlSeconds seconds until the next lookup (0 when overdue)
 * @param addrs the addresses it resolved to, in order
 */
public record DnsHostSnapshot(String hostname, long ttlSeconds, List<String> addrs) {
    public DnsHostSnapshot {
        Objects.requireNonNull(hostname, "hostname");
        addrs = List.copyOf(addrs);
    }
}
