package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingTest {
    /** The keys of PgBouncer 1.25.2's CfKey table (src/main.c), in its order, without Windows-only service_name. */
    private static final List<String> PGBOUNCER_KEYS = List.of("admin_users", "application_name_add_host",
            "auth_dbname", "auth_file", "auth_hba_file", "auth_ident_file", "auth_ldap_options", "auth_query",
            "auth_type", "auth_user", "autodb_idle_timeout", "cancel_wait_timeout", "client_idle_timeout",
            "client_login_timeout", "client_tls13_ciphers", "client_tls_ca_file", "client_tls_cert_file",
            "client_tls_ciphers", "client_tls_dheparams", "client_tls_ecdhcurve", "client_tls_key_file",
            "client_tls_protocols", "client_tls_sslmode", "conffile", "default_pool_size", "disable_pqexec",
            "dns_max_ttl", "dns_nxdomain_ttl", "dns_zone_check_period", "idle_transaction_timeout",
            "ignore_startup_parameters", "job_name", "listen_addr", "listen_backlog", "listen_port",
            "log_connections", "log_disconnections", "log_pooler_errors", "log_stats", "logfile", "max_client_conn",
            "max_db_client_connections", "max_db_connections", "max_packet_size", "max_prepared_statements",
            "max_user_client_connections", "max_user_connections", "min_pool_size", "peer_id", "pidfile", "pkt_buf",
            "pool_mode", "query_timeout", "query_wait_notify", "query_wait_timeout", "reserve_pool_size",
            "reserve_pool_timeout", "resolv_conf", "sbuf_loopcnt", "scram_iterations", "server_check_delay",
            "server_check_query", "server_connect_timeout", "server_fast_close", "server_idle_timeout",
            "server_lifetime", "server_login_retry", "server_reset_query", "server_reset_query_always",
            "server_round_robin", "server_tls13_ciphers", "server_tls_ca_file", "server_tls_cert_file",
            "server_tls_ciphers", "server_tls_key_file", "server_tls_protocols", "server_tls_sslmode",
            "so_reuseport", "stats_period", "stats_users", "suspend_timeout", "syslog", "syslog_facility",
            "syslog_ident", "tcp_defer_accept", "tcp_keepalive", "tcp_keepcnt", "tcp_keepidle", "tcp_keepintvl",
            "tcp_socket_buffer", "tcp_user_timeout", "track_extra_parameters", "transaction_timeout",
            "unix_socket_dir", "unix_socket_group", "unix_socket_mode", "user", "verbose");

    /** The CF_NO_RELOAD keys of the same table. */
    private static final Set<String> NO_RELOAD = Set.of("disable_pqexec", "job_name", "listen_addr",
            "listen_backlog", "listen_port", "pidfile", "pkt_buf", "resolv_conf", "so_reuseport",
            "track_extra_parameters", "unix_socket_dir", "unix_socket_group", "unix_socket_mode", "user");

    @Test
    void pgbouncerKeysAreThoseOfItsTableInItsOrderThenPgmuxKeys() {
        List<String> pgbouncer = Arrays.stream(Setting.values()).filter(s -> !s.pgmuxOnly())
                .map(Setting::key).collect(Collectors.toList());
        assertEquals(PGBOUNCER_KEYS, pgbouncer);
        List<String> pgmux = Arrays.stream(Setting.values()).filter(Setting::pgmuxOnly)
                .map(Setting::key).collect(Collectors.toList());
        assertEquals(List.of("transport", "event_loops", "metrics_listen"), pgmux);
        assertSame(Setting.METRICS_LISTEN, Setting.values()[Setting.values().length - 1]);
    }

    @Test
    void changeableIsFalseExactlyForNoReloadKeysAndPgmuxKeys() {
        for (Setting s : Setting.values()) {
            boolean fixed = NO_RELOAD.contains(s.key()) || s.pgmuxOnly();
            assertEquals(!fixed, s.changeable(), s.key());
        }
    }

    @Test
    void byKeyIgnoresCaseAndSurroundingSpace() {
        assertSame(Setting.LISTEN_PORT, Setting.byKey("listen_port"));
        assertSame(Setting.LISTEN_PORT, Setting.byKey(" Listen_Port "));
        assertNull(Setting.byKey("listen_prot"));
    }

    @ParameterizedTest
    @CsvSource({
        "listen_port, 6432", "pool_mode, session", "max_client_conn, 100", "default_pool_size, 20",
        "auth_type, md5", "server_reset_query, DISCARD ALL", "unix_socket_dir, /tmp", "unix_socket_mode, 0777",
        "server_lifetime, 3600", "server_idle_timeout, 600", "query_wait_timeout, 120", "reserve_pool_timeout, 5",
        "server_check_query, <empty>", "client_tls_sslmode, disable", "server_tls_sslmode, prefer",
        "max_prepared_statements, 200", "stats_period, 60", "pkt_buf, 4096", "max_packet_size, 2147483647",
        "track_extra_parameters, IntervalStyle", "tcp_defer_accept, 1", "transport, auto", "metrics_listen, ''"
    })
    void defaultsAreThoseOfPgBouncer(String key, String expected) {
        assertEquals(expected, Setting.byKey(key).defaultValue());
        assertEquals(expected, Setting.byKey(key).showDefault());
    }

    @Test
    void keysPgBouncerLeavesUnsetHaveNoShownDefault() {
        assertNull(Setting.AUTH_FILE.showDefault());
        assertEquals("", Setting.AUTH_FILE.defaultValue());
        assertNull(Setting.VERBOSE.showDefault());
        assertEquals("0", Setting.VERBOSE.defaultValue());
        assertEquals("", Setting.LOGFILE.showDefault());
    }

    @Test
    void everyDefaultIsValidForItsKey() {
        for (Setting s : Setting.values()) {
            assertDoesNotThrow(() -> s.validate(s.defaultValue()), s.key());
        }
    }

    @Test
    void enumSettingsListTheirWords() {
        assertEquals(List.of("session", "transaction", "statement"), Setting.POOL_MODE.allowedValues());
        assertEquals(List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
                Setting.SERVER_TLS_SSLMODE.allowedValues());
        assertEquals(List.of("auto", "io_uring", "epoll", "nio"), Setting.TRANSPORT.allowedValues());
        assertTrue(Setting.AUTH_TYPE.allowedValues().contains("scram-sha-256"));
        assertEquals(List.of(), Setting.LISTEN_PORT.allowedValues());
        for (Setting s : Setting.values()) {
            assertEquals(s.type() == SettingType.ENUM, !s.allowedValues().isEmpty(), s.key());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "listen_port | 5432", "listen_port | 0x1538", "unix_socket_mode | 0700", "listen_port | +6432",
        "so_reuseport | 1", "so_reuseport | yes", "so_reuseport | Off", "log_connections | 2",
        "server_lifetime | 3600", "server_lifetime | 1.5", "server_lifetime | 250ms", "server_lifetime | 2 min",
        "server_lifetime | .5", "server_lifetime | 1e3", "tcp_user_timeout | 1500", "tcp_user_timeout | 2s",
        "pool_mode | Transaction", "auth_type | SCRAM-SHA-256", "transport | io_uring",
        "client_tls_sslmode | verify-full", "peer_id | 16383", "auth_dbname | postgres", "admin_users | a, b",
        "metrics_listen | 127.0.0.1:9127", "metrics_listen | *:0", "metrics_listen | [::1]:9127"
    })
    void validValuesPass(String key, String value) {
        assertDoesNotThrow(() -> Setting.byKey(key).validate(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "listen_port | abc | not an integer",
        "listen_port | 64.5 | not an integer",
        "listen_port | 08 | not an integer",
        "listen_port | 70000 | must be between 0 and 65535",
        "max_client_conn | -1 | must not be negative",
        "default_pool_size | 99999999999 | must be between 0 and 2147483647",
        "peer_id | 16384 | must be between 0 and 16383",
        "scram_iterations | 0 | must be between 1 and 2147483647",
        "max_packet_size | 4294967295 | must be between 0 and 2147483647",
        "so_reuseport | maybe | not a boolean (expected 0/1, yes/no, on/off, true/false)",
        "server_lifetime | -5 | time must not be negative",
        "server_lifetime | 5 parsecs | unknown time unit \"parsecs\" (expected us, ms, s, min, h, d)",
        "server_lifetime | soon | not a time (expected a number, optionally with unit us, ms, s, min, h, d)",
        "pool_mode | sessions | expected one of: session, transaction, statement",
        "transport | kqueue | expected one of: auto, io_uring, epoll, nio",
        "auth_dbname | pgbouncer | cannot use the reserved \"pgbouncer\" database as an auth_dbname",
        "metrics_listen | 9127 | expected host:port",
        "metrics_listen | localhost: | expected host:port",
        "metrics_listen | :9127 | expected host:port",
        "metrics_listen | localhost:http | port must be a number between 0 and 65535",
        "metrics_listen | localhost:65536 | port must be a number between 0 and 65535"
    })
    void invalidValuesFailWithAReason(String key, String value, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Setting.byKey(key).validate(value));
        assertEquals(reason, e.getMessage());
    }

    @Test
    void stringsTakeAnything() {
        assertDoesNotThrow(() -> Setting.SERVER_RESET_QUERY.validate("anything ; at # all"));
        assertDoesNotThrow(() -> Setting.LOGFILE.validate(""));
        assertFalse(Setting.LOGFILE.pgmuxOnly());
    }
}
