package io.pgmux.config;

import java.net.InetAddress;

/** The address column of a host rule: {@code all}, or an IP network. */
public sealed interface HbaAddress permits HbaAddress.All, IpNetwork {
    /** Every client address; also what {@code local} rules, which have no address column, carry. */
    HbaAddress ALL = new All();

    /** Whether a TCP client at this address is admitted. */
    boolean matches(InetAddress client);

    /** The keyword {@code all}. */
    record All() implements HbaAddress {
        @Override
        public boolean matches(InetAddress client) {
            return true;
        }
    }
}
