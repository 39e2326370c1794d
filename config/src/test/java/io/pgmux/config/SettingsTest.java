package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {
    @Test
    void defaultsReadAsTyped() {
        Settings d = Settings.defaults();
        assertEquals(6432, d.integer(Setting.LISTEN_PORT));
        assertEquals(100, d.integer(Setting.MAX_CLIENT_CONN));
        assertEquals(20, d.integer(Setting.DEFAULT_POOL_SIZE));
        assertEquals(PoolMode.SESSION, d.poolMode());
        assertEquals(AuthType.MD5, d.authType());
        assertEquals("DISCARD ALL", d.string(Setting.SERVER_RESET_QUERY));
        assertEquals("/tmp", d.string(Setting.UNIX_SOCKET_DIR));
        assertEquals(0777, d.integer(Setting.UNIX_SOCKET_MODE));
        assertEquals(Duration.ofHours(1), d.duration(Setting.SERVER_LIFETIME));
        assertEquals(Duration.ofSeconds(5), d.duration(Setting.RESERVE_POOL_TIMEOUT));
        assertEquals(Duration.ZERO, d.duration(Setting.QUERY_TIMEOUT));
        assertEquals(List.of("IntervalStyle"), d.list(Setting.TRACK_EXTRA_PARAMETERS));
        assertEquals(List.of(), d.list(Setting.ADMIN_USERS));
        assertTrue(d.bool(Setting.LOG_CONNECTIONS));
        assertFalse(d.bool(Setting.SO_REUSEPORT));
        assertEquals("auto", d.word(Setting.TRANSPORT));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "server_lifetime | 90 | 90000",
        "server_lifetime | 1.5 | 1500",
        "server_lifetime | 0.25 | 250",
        "server_lifetime | 250ms | 250",
        "server_lifetime | 2min | 120000",
        "server_lifetime | 2 s | 2000",
        "server_lifetime | 1h | 3600000",
        "server_lifetime | 1d | 86400000",
        "server_lifetime | 1e3 | 1000000",
        "tcp_user_timeout | 1500 | 1500",
        "tcp_user_timeout | 2s | 2000"
    })
    void timesReadWithUnits(String key, String value, long millis) {
        Setting s = Setting.byKey(key);
        assertEquals(Duration.ofMillis(millis), new Settings(Map.of(s, value)).duration(s));
    }

    @Test
    void microsecondsAreKept() {
        assertEquals(Duration.ofNanos(1500_000),
                new Settings(Map.of(Setting.QUERY_TIMEOUT, "1500us")).duration(Setting.QUERY_TIMEOUT));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1 | true", "0 | false", "2 | true", "-1 | true", "yes | true", "No | false", "ON | true", "off | false",
        "true | true", "false | false"
    })
    void boolsReadAsPgBouncerPlusWords(String value, boolean expected) {
        assertEquals(expected, new Settings(Map.of(Setting.SO_REUSEPORT, value)).bool(Setting.SO_REUSEPORT));
    }

    @Test
    void integersReadAsC() {
        assertEquals(0x1538, new Settings(Map.of(Setting.LISTEN_PORT, "0x1538")).integer(Setting.LISTEN_PORT));
        assertEquals(0700, new Settings(Map.of(Setting.UNIX_SOCKET_MODE, "0700")).integer(Setting.UNIX_SOCKET_MODE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "server_lifetime | 3600 | 3600",
        "server_lifetime | 3600.0 | 3600",
        "server_lifetime | 0.5 | 0.5",
        "server_lifetime | 90min | 5400",
        "server_lifetime | 1234567 | 1.23457e+06",
        "server_lifetime | 0.00001 | 1e-05",
        "server_lifetime | 0.0000001 | 0",
        "server_lifetime | 1.0000005 | 1",
        "unix_socket_mode | 0777 | 511",
        "listen_port | 0x1538 | 5432",
        "so_reuseport | yes | 1",
        "so_reuseport | 2 | 2",
        "pool_mode | Transaction | transaction",
        "client_tls_sslmode | VERIFY-FULL | verify-full",
        "tcp_user_timeout | 2s | 2000",
        "server_reset_query | DEALLOCATE ALL | DEALLOCATE ALL"
    })
    void showFormatsAsPgBouncerPrints(String key, String value, String shown) {
        Setting s = Setting.byKey(key);
        assertEquals(shown, new Settings(Map.of(s, value)).show(s));
    }

    @Test
    void showGivesNullOnlyForUnsetTextsWithoutDefault() {
        Settings d = Settings.defaults();
        assertNull(d.show(Setting.AUTH_FILE));
        assertNull(d.show(Setting.CONFFILE));
        assertEquals("", d.show(Setting.LOGFILE));
        assertEquals("0", d.show(Setting.VERBOSE));
        assertEquals("", new Settings(Map.of(Setting.AUTH_FILE, "")).show(Setting.AUTH_FILE));
        assertEquals("users.txt", d.with(Setting.AUTH_FILE, "users.txt").show(Setting.AUTH_FILE));
    }

    @Test
    void withReplacesOneValueAndKeepsTheOthers() {
        Settings s = new Settings(Map.of(Setting.AUTH_FILE, "a.txt", Setting.MAX_CLIENT_CONN, "500"));
        Settings t = s.with(Setting.MAX_CLIENT_CONN, "600");
        assertEquals(600, t.integer(Setting.MAX_CLIENT_CONN));
        assertEquals(500, s.integer(Setting.MAX_CLIENT_CONN));
        assertEquals("a.txt", t.show(Setting.AUTH_FILE));
        assertNull(t.show(Setting.AUTH_IDENT_FILE));
        assertEquals(20, t.integer(Setting.DEFAULT_POOL_SIZE));
    }

    @Test
    void reloadedSettingsKeepTheRunningValuesOfStartupOnlyKeys() {
        Settings running = new Settings(Map.of(Setting.LISTEN_PORT, "6000", Setting.PIDFILE, "/run/a.pid",
                Setting.DEFAULT_POOL_SIZE, "5", Setting.AUTH_FILE, "a.txt"));
        Settings file = new Settings(Map.of(Setting.LISTEN_PORT, "7000", Setting.DEFAULT_POOL_SIZE, "9",
                Setting.MAX_CLIENT_CONN, "300"));
        Settings reloaded = file.reloadedOver(running);
        assertEquals(6000, reloaded.integer(Setting.LISTEN_PORT), "listen_port is read at startup only");
        assertEquals("/run/a.pid", reloaded.string(Setting.PIDFILE));
        assertEquals(9, reloaded.integer(Setting.DEFAULT_POOL_SIZE), "a changeable key takes the file's value");
        assertEquals(300, reloaded.integer(Setting.MAX_CLIENT_CONN));
        assertNull(reloaded.show(Setting.AUTH_FILE), "a changeable key the file leaves out goes back to its default");
    }

    @Test
    void rawKeepsTheTextAsWritten() {
        Settings s = new Settings(Map.of(Setting.SERVER_LIFETIME, "1.50"));
        assertEquals("1.50", s.raw(Setting.SERVER_LIFETIME));
        assertEquals("1.5", s.show(Setting.SERVER_LIFETIME));
    }
}
