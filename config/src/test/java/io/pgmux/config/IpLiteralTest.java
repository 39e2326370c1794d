package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {
    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "10.1.2.3", "192.168.100.0", "1.0.0.0"})
    void readsDottedQuads(String text) throws Exception {
        InetAddress address = IpLiteral.parse(text).orElseThrow();
        assertInstanceOf(Inet4Address.class, address);
        assertArrayEquals(InetAddress.getByName(text).getAddress(), address.getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "256.0.0.1", "01.2.3.4", "1.02.3.4", "00.1.2.3", "1.2.3", "1.2.3.4.", "1.2.3.4.5",
        ".1.2.3", "1..2.3", " 1.2.3.4", "1.2.3.4 ", "0x1.2.3.4", "1.2.3.-4", "1.2.3.4/8", "localhost", "1234",
        "1.2.3.1000"})
    void refusesWhatInetPtonRefusesForIpv4(String text) {
        assertEquals(Optional.empty(), IpLiteral.parse(text, IpLiteral.IPV4_LENGTH));
        assertEquals(Optional.empty(), IpLiteral.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "fe80::1", "2001:db8:0:0:0:0:2:1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8", "FFFF::abcd", "0000:0000::00", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "::0:1.2.3.4",
        "1::5:1.2.3.4"})
    void readsIpv6(String text) throws Exception {
        InetAddress address = IpLiteral.parse(text).orElseThrow();
        assertInstanceOf(Inet6Address.class, address);
        assertArrayEquals(InetAddress.getByName(text).getAddress(), address.getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {":", ":1", "1:", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "::1.2.3", "::1.2.3.4:5", "::1.2.3.4.5", "fe80::1%eth0",
        "fe80::1%1", "g::", "1:2:3:4:5:6:7:1.2.3.4", "::a1.2.3.4", "::01.2.3.4", "[::1]", "1:2:3:4:5:6:7",
        " ::1", "::1 "})
    void refusesWhatInetPtonRefusesForIpv6(String text) {
        assertEquals(Optional.empty(), IpLiteral.parse(text, IpLiteral.IPV6_LENGTH));
    }

    @Test
    void ipv4MappedAddressStaysIpv6() {
        InetAddress address = IpLiteral.parse("::ffff:10.1.2.3").orElseThrow();
        assertInstanceOf(Inet6Address.class, address);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 1, 2, 3}, address.getAddress());
    }

    @Test
    void prefixMasks() throws Exception {
        assertEquals(InetAddress.getByName("0.0.0.0"), IpLiteral.prefixMask(4, 0));
        assertEquals(InetAddress.getByName("255.128.0.0"), IpLiteral.prefixMask(4, 9));
        assertEquals(InetAddress.getByName("255.255.255.255"), IpLiteral.prefixMask(4, 32));
        assertEquals(InetAddress.getByName("fff0::"), IpLiteral.prefixMask(16, 12));
        assertEquals(InetAddress.getByName("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), IpLiteral.prefixMask(16, 127));
    }
}
