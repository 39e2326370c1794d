package io.pgmux.config;

import static io.pgmux.config.HbaRulesMatchTest.ip;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IpNetworkTest {
    @Test
    void clientMatchesWhenItsMaskedAddressEqualsTheNetwork() {
        IpNetwork net = new IpNetwork(ip("10.128.0.0"), ip("255.192.0.0"));
        assertTrue(net.matches(ip("10.128.0.1")));
        assertTrue(net.matches(ip("10.191.255.255")));
        assertFalse(net.matches(ip("10.192.0.0")));
        assertFalse(net.matches(ip("10.127.255.255")));
        assertTrue(net.matches(ip("::ffff:10.128.0.1")), "Java turns an IPv4-mapped client address into IPv4");
    }

    @Test
    void addressIsNotMaskedBeforeComparing() {
        IpNetwork net = new IpNetwork(ip("10.1.2.3"), ip("255.0.0.0"));
        assertFalse(net.addressWithinMask());
        assertFalse(net.matches(ip("10.1.2.3")));
        assertTrue(new IpNetwork(ip("10.0.0.0"), ip("255.0.0.0")).addressWithinMask());
    }

    @Test
    void familiesDoNotMix() {
        assertFalse(new IpNetwork(ip("::"), ip("::")).matches(ip("1.2.3.4")));
        assertFalse(new IpNetwork(ip("0.0.0.0"), ip("0.0.0.0")).matches(ip("::1")));
        assertThrows(IllegalArgumentException.class, () -> new IpNetwork(ip("10.0.0.0"), ip("ffff::")));
    }
}
