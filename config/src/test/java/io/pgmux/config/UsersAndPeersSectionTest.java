package io.pgmux.config;

import static io.pgmux.config.IniFiles.load;
import static io.pgmux.config.IniFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsersAndPeersSectionTest {
    @TempDir
    Path dir;

    private PgBouncerConfig load2(String section, String line) throws ConfigException {
        return load(write(dir, "a.ini", "[pgbouncer]", section, line)).config();
    }

    @Test
    void everyUserKeyIsRead() throws Exception {
        UserEntry u = load2("[users]", "bob = pool_mode=transaction pool_size=5 reserve_pool_size=2"
                + " max_user_connections=10 max_user_client_connections=100 query_timeout=30"
                + " idle_transaction_timeout=40 transaction_timeout=50 client_idle_timeout=60")
                .user("bob").orElseThrow();
        assertEquals(new UserEntry("bob", 5, 2, PoolMode.TRANSACTION, 10, 100, Duration.ofSeconds(30),
                Duration.ofSeconds(40), Duration.ofSeconds(50), Duration.ofSeconds(60)), u);
    }

    @Test
    void unsetUserKeysTakeTheirMarkersAndZeroTimeoutMeansUnset() throws Exception {
        UserEntry u = load2("[users]", "bob = query_timeout=0").user("bob").orElseThrow();
        assertEquals(new UserEntry("bob", -1, -1, null, -1, -1, null, null, null, null), u);
    }

    @Test
    void unlistedUserHasNoEntry() throws Exception {
        assertFalse(load2("[users]", "bob = pool_size=1").user("alice").isPresent());
    }

    @Test
    void peersTakeDefaultPortAndKeepFileOrder() throws Exception {
        PgBouncerConfig c = load(write(dir, "a.ini", "[pgbouncer]", "peer_id = 2", "[peers]",
                "3 = host=c", "1 = host=/tmp/p1 port=7001 pool_size=8", "16383 = host=@abstract")).config();
        assertEquals(List.of(3, 1, 16383), List.copyOf(c.peers().keySet()));
        assertEquals(new PeerEntry(3, "c", PeerEntry.DEFAULT_PORT, -1), c.peers().get(3));
        assertEquals(new PeerEntry(1, "/tmp/p1", 7001, 8), c.peers().get(1));
        assertEquals(2, c.settings().integer(Setting.PEER_ID));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[users] | bob = pool_size=1 timeout=5 | user \"bob\": unrecognized user parameter: timeout",
        "[users] | bob = pool_mode=lazy | user \"bob\": invalid pool mode: lazy",
        "[users] | bob = query_timeout=-1 | user \"bob\": invalid query_timeout: -1",
        "[users] | bob = query_timeout=5s | user \"bob\": invalid query_timeout: 5s",
        "[users] | bob = pool_size | user \"bob\": syntax error in user settings",
        "[peers] | 1 = port=7000 | peer \"1\": host was not provided for peer 1",
        "[peers] | 0 = host=a | peer \"0\": ids of peers must be a number larger than 0 and at most 16383",
        "[peers] | 16384 = host=a | peer \"16384\": ids of peers must be a number larger than 0 and at most 16383",
        "[peers] | one = host=a | peer \"one\": ids of peers must be a number larger than 0 and at most 16383",
        "[peers] | 1 = host=a dbname=x | peer \"1\": unrecognized connection parameter: dbname",
        "[peers] | 1 = host=a port=x | peer \"1\": invalid port: x",
        "[peers] | 1 = host='a | peer \"1\": syntax error in connection string"
    })
    void badEntriesAreErrorsWithFileAndLine(String section, String line, String reason) {
        Path file = write(dir, "a.ini", "[pgbouncer]", section, line);
        ConfigException e = assertThrows(ConfigException.class, () -> load(file));
        assertEquals(file + ":3: " + reason, e.getMessage());
    }
}
