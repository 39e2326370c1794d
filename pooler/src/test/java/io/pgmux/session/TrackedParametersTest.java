package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackedParametersTest {
    private final TrackedParameters tracked = new TrackedParameters(List.of("IntervalStyle"));

    @Test
    void namesMatchCaseInsensitivelyAndMapToTheServersSpelling() {
        assertEquals("DateStyle", tracked.canonicalName("datestyle"));
        assertEquals("TimeZone", tracked.canonicalName("TIMEZONE"));
        assertEquals("IntervalStyle", tracked.canonicalName("intervalstyle"));
        assertNull(tracked.canonicalName("search_path"));
    }

    @Test
    void setsOnlyWhatDiffersIgnoringCase() {
        ClientParameters client = new ClientParameters();
        client.put("TimeZone", "Europe/Paris");
        client.put("client_encoding", "utf8");
        client.put("application_name", "it's a \\ test");
        Map<String, String> server = Map.of("TimeZone", "UTC", "client_encoding", "UTF8",
                "application_name", "");
        assertEquals("SET application_name=E'it''s a \\\\ test';SET TimeZone='Europe/Paris';",
                tracked.syncSql(client, server));
    }

    @Test
    void nothingToSetWhenEqual() {
        ClientParameters client = new ClientParameters();
        client.put("TimeZone", "UTC");
        assertNull(tracked.syncSql(client, Map.of("TimeZone", "utc")));
    }
}
