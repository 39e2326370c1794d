package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ClientParametersTest {
    private final ClientParameters parameters = new ClientParameters();

    @Test
    void putReplacesAndPutIfAbsentKeeps() {
        parameters.put("TimeZone", "UTC");
        parameters.put("TimeZone", "Europe/Paris");
        parameters.putIfAbsent("TimeZone", "Asia/Tokyo");
        parameters.putIfAbsent("DateStyle", "ISO, MDY");
        assertEquals("Europe/Paris", parameters.get("TimeZone"));
        assertEquals("ISO, MDY", parameters.get("DateStyle"));
        assertNull(parameters.get("client_encoding"));
        assertEquals("UTF8", parameters.getOrDefault("client_encoding", "UTF8"));
    }

    @Test
    void namesAreComparedByValueNotIdentity() {
        parameters.put(new String("application_name"), "psql");
        assertEquals("psql", parameters.get("application_name"));
    }

    @Test
    void holdsMoreThanTheInitialSpace() {
        for (int i = 0; i < 20; i++) {
            parameters.put("p" + i, "v" + i);
        }
        for (int i = 0; i < 20; i++) {
            assertEquals("v" + i, parameters.get("p" + i));
        }
    }
}
