package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void readsHostAndPort() {
        assertEquals(new HostPort("127.0.0.1", 9127), HostPort.parse("127.0.0.1:9127"));
        assertEquals(new HostPort("metrics.local", 0), HostPort.parse(" metrics.local:0 "));
        assertFalse(HostPort.parse("metrics.local:0").anyAddress());
    }

    @Test
    void anIpv6AddressIsInBrackets() {
        assertEquals(new HostPort("::1", 9127), HostPort.parse("[::1]:9127"));
    }

    @Test
    void aStarIsEveryAddress() {
        assertTrue(HostPort.parse("*:9127").anyAddress());
    }

    @Test
    void aMissingPartIsRefused() {
        assertEquals("expected host:port", assertThrows(IllegalArgumentException.class,
                () -> HostPort.parse("[]:80")).getMessage());
    }
}
