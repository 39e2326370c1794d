package io.pgmux.config;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network from an HBA address column, as PgBouncer compares it: a client matches when its address
 * ANDed with the mask equals the rule's address as written. The rule's address is not masked first, so one with bits
 * set outside the mask ({@code 10.1.2.3/8}) matches no client; PgBouncer only warns about it, and so do we.
 *
 * @param address the address as written; IPv6 addresses stay {@code Inet6Address}, even IPv4-mapped ones
 * @param mask a mask of the same family, from {@code /bits} or the separate mask column (need not be contiguous)
 */
public record IpNetwork(InetAddress address, InetAddress mask) implements HbaAddress {
    public IpNetwork {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mask, "mask");
        if (address.getAddress().length != mask.getAddress().length) {
            throw new IllegalArgumentException("address and mask of different families: " + address + " " + mask);
        }
    }

    @Override
    public boolean matches(InetAddress client) {
        byte[] c = client.getAddress();
        byte[] a = address.getAddress();
        byte[] m = mask.getAddress();
        if (c.length != a.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if ((c[i] & m[i]) != a[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the address has no bits set outside the mask, so that some client can match. */
    public boolean addressWithinMask() {
        byte[] a = address.getAddress();
        byte[] m = mask.getAddress();
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & ~m[i]) != 0) {
                return false;
            }
        }
        return true;
    }
}
