package io.pgmux.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every {@code [pgbouncer]} key with its type and default, in PgBouncer's SHOW CONFIG order, pgmux's own last. */
public enum Setting {
    ADMIN_USERS("admin_users", SettingType.LIST, ""),
    APPLICATION_NAME_ADD_HOST("application_name_add_host", SettingType.BOOL, "0"),
    AUTH_DBNAME("auth_dbname", SettingType.STRING, null),
    AUTH_FILE("auth_file", SettingType.STRING, null),
    AUTH_HBA_FILE("auth_hba_file", SettingType.STRING, ""),
    AUTH_IDENT_FILE("auth_ident_file", SettingType.STRING, null),
    AUTH_LDAP_OPTIONS("auth_ldap_options", SettingType.STRING, null),
    AUTH_QUERY("auth_query", SettingType.STRING, "SELECT rolname, CASE WHEN rolvaliduntil < now() THEN NULL"
            + " ELSE rolpassword END FROM pg_authid WHERE rolname=$1 AND rolcanlogin"),
    AUTH_TYPE("auth_type", "md5", Words.AUTH_TYPES),
    AUTH_USER("auth_user", SettingType.STRING, null),
    AUTODB_IDLE_TIMEOUT("autodb_idle_timeout", SettingType.SECONDS, "3600"),
    CANCEL_WAIT_TIMEOUT("cancel_wait_timeout", SettingType.SECONDS, "10"),
    CLIENT_IDLE_TIMEOUT("client_idle_timeout", SettingType.SECONDS, "0"),
    CLIENT_LOGIN_TIMEOUT("client_login_timeout", SettingType.SECONDS, "60"),
    CLIENT_TLS13_CIPHERS("client_tls13_ciphers", SettingType.STRING, null),
    CLIENT_TLS_CA_FILE("client_tls_ca_file", SettingType.STRING, ""),
    CLIENT_TLS_CERT_FILE("client_tls_cert_file", SettingType.STRING, ""),
    CLIENT_TLS_CIPHERS("client_tls_ciphers", SettingType.STRING, "default"),
    CLIENT_TLS_DHEPARAMS("client_tls_dheparams", SettingType.STRING, "auto"),
    CLIENT_TLS_ECDHCURVE("client_tls_ecdhcurve", SettingType.STRING, "auto"),
    CLIENT_TLS_KEY_FILE("client_tls_key_file", SettingType.STRING, ""),
    CLIENT_TLS_PROTOCOLS("client_tls_protocols", SettingType.STRING, "secure"),
    CLIENT_TLS_SSLMODE("client_tls_sslmode", "disable", Words.SSLMODES),
    CONFFILE("conffile", SettingType.STRING, null),
    DEFAULT_POOL_SIZE("default_pool_size", SettingType.INT, "20"),
    DISABLE_PQEXEC("disable_pqexec", SettingType.BOOL, "0", Flag.NO_RELOAD),
    DNS_MAX_TTL("dns_max_ttl", SettingType.SECONDS, "15"),
    DNS_NXDOMAIN_TTL("dns_nxdomain_ttl", SettingType.SECONDS, "15"),
    DNS_ZONE_CHECK_PERIOD("dns_zone_check_period", SettingType.SECONDS, "0"),
    IDLE_TRANSACTION_TIMEOUT("idle_transaction_timeout", SettingType.SECONDS, "0"),
    IGNORE_STARTUP_PARAMETERS("ignore_startup_parameters", SettingType.LIST, ""),
    JOB_NAME("job_name", SettingType.STRING, "pgbouncer", Flag.NO_RELOAD),
    LISTEN_ADDR("listen_addr", SettingType.LIST, "", Flag.NO_RELOAD),
    LISTEN_BACKLOG("listen_backlog", SettingType.INT, "128", Flag.NO_RELOAD),
    LISTEN_PORT("listen_port", "6432", 0, 65535, Flag.NO_RELOAD),
    LOG_CONNECTIONS("log_connections", SettingType.BOOL, "1"),
    LOG_DISCONNECTIONS("log_disconnections", SettingType.BOOL, "1"),
    LOG_POOLER_ERRORS("log_pooler_errors", SettingType.BOOL, "1"),
    LOG_STATS("log_stats", SettingType.BOOL, "1"),
    LOGFILE("logfile", SettingType.STRING, ""),
    MAX_CLIENT_CONN("max_client_conn", SettingType.INT, "100"),
    MAX_DB_CLIENT_CONNECTIONS("max_db_client_connections", SettingType.INT, "0"),
    MAX_DB_CONNECTIONS("max_db_connections", SettingType.INT, "0"),
    MAX_PACKET_SIZE("max_packet_size", SettingType.INT, "2147483647"),
    MAX_PREPARED_STATEMENTS("max_prepared_statements", SettingType.INT, "200"),
    MAX_USER_CLIENT_CONNECTIONS("max_user_client_connections", SettingType.INT, "0"),
    MAX_USER_CONNECTIONS("max_user_connections", SettingType.INT, "0"),
    MIN_POOL_SIZE("min_pool_size", SettingType.INT, "0"),
    PEER_ID("peer_id", "0", 0, PeerEntry.MAX_PEER_ID),
    PIDFILE("pidfile", SettingType.STRING, "", Flag.NO_RELOAD),
    PKT_BUF("pkt_buf", SettingType.INT, "4096", Flag.NO_RELOAD),
    POOL_MODE("pool_mode", "session", Words.POOL_MODES),
    QUERY_TIMEOUT("query_timeout", SettingType.SECONDS, "0"),
    QUERY_WAIT_NOTIFY("query_wait_notify", SettingType.INT, "5"),
    QUERY_WAIT_TIMEOUT("query_wait_timeout", SettingType.SECONDS, "120"),
    RESERVE_POOL_SIZE("reserve_pool_size", SettingType.INT, "0"),
    RESERVE_POOL_TIMEOUT("reserve_pool_timeout", SettingType.SECONDS, "5"),
    RESOLV_CONF("resolv_conf", SettingType.STRING, "", Flag.NO_RELOAD),
    SBUF_LOOPCNT("sbuf_loopcnt", SettingType.INT, "5"),
    SCRAM_ITERATIONS("scram_iterations", "4096", 1, Integer.MAX_VALUE),
    SERVER_CHECK_DELAY("server_check_delay", SettingType.SECONDS, "30"),
    /** {@code <empty>} (the default) sends an empty query; an empty value turns the check off. */
    SERVER_CHECK_QUERY("server_check_query", SettingType.STRING, "<empty>"),
    SERVER_CONNECT_TIMEOUT("server_connect_timeout", SettingType.SECONDS, "15"),
    SERVER_FAST_CLOSE("server_fast_close", SettingType.BOOL, "0"),
    SERVER_IDLE_TIMEOUT("server_idle_timeout", SettingType.SECONDS, "600"),
    SERVER_LIFETIME("server_lifetime", SettingType.SECONDS, "3600"),
    SERVER_LOGIN_RETRY("server_login_retry", SettingType.SECONDS, "15"),
    SERVER_RESET_QUERY("server_reset_query", SettingType.STRING, "DISCARD ALL"),
    SERVER_RESET_QUERY_ALWAYS("server_reset_query_always", SettingType.BOOL, "0"),
    SERVER_ROUND_ROBIN("server_round_robin", SettingType.BOOL, "0"),
    SERVER_TLS13_CIPHERS("server_tls13_ciphers", SettingType.STRING, null),
    SERVER_TLS_CA_FILE("server_tls_ca_file", SettingType.STRING, ""),
    SERVER_TLS_CERT_FILE("server_tls_cert_file", SettingType.STRING, ""),
    SERVER_TLS_CIPHERS("server_tls_ciphers", SettingType.STRING, "default"),
    SERVER_TLS_KEY_FILE("server_tls_key_file", SettingType.STRING, ""),
    SERVER_TLS_PROTOCOLS("server_tls_protocols", SettingType.STRING, "secure"),
    SERVER_TLS_SSLMODE("server_tls_sslmode", "prefer", Words.SSLMODES),
    SO_REUSEPORT("so_reuseport", SettingType.BOOL, "0", Flag.NO_RELOAD),
    STATS_PERIOD("stats_period", "60", 1, Integer.MAX_VALUE),
    STATS_USERS("stats_users", SettingType.LIST, ""),
    SUSPEND_TIMEOUT("suspend_timeout", SettingType.SECONDS, "10"),
    SYSLOG("syslog", SettingType.BOOL, "0"),
    SYSLOG_FACILITY("syslog_facility", SettingType.STRING, "daemon"),
    SYSLOG_IDENT("syslog_ident", SettingType.STRING, "pgbouncer"),
    /** PgBouncer's default is 1 where TCP_DEFER_ACCEPT exists (Linux), else 0. */
    TCP_DEFER_ACCEPT("tcp_defer_accept", SettingType.INT, "1"),
    TCP_KEEPALIVE("tcp_keepalive", SettingType.BOOL, "1"),
    TCP_KEEPCNT("tcp_keepcnt", SettingType.INT, "0"),
    TCP_KEEPIDLE("tcp_keepidle", SettingType.INT, "0"),
    TCP_KEEPINTVL("tcp_keepintvl", SettingType.INT, "0"),
    TCP_SOCKET_BUFFER("tcp_socket_buffer", SettingType.INT, "0"),
    TCP_USER_TIMEOUT("tcp_user_timeout", SettingType.MILLIS, "0"),
    TRACK_EXTRA_PARAMETERS("track_extra_parameters", SettingType.LIST, "IntervalStyle", Flag.NO_RELOAD),
    TRANSACTION_TIMEOUT("transaction_timeout", SettingType.SECONDS, "0"),
    UNIX_SOCKET_DIR("unix_socket_dir", SettingType.STRING, "/tmp", Flag.NO_RELOAD),
    UNIX_SOCKET_GROUP("unix_socket_group", SettingType.STRING, "", Flag.NO_RELOAD),
    /** An integer as C reads it, so the default {@code 0777} is octal (511). */
    UNIX_SOCKET_MODE("unix_socket_mode", SettingType.INT, "0777", Flag.NO_RELOAD),
    USER("user", SettingType.STRING, null, Flag.NO_RELOAD),
    /** PgBouncer has no default text for it (SHOW CONFIG default is NULL); the value starts at 0. */
    VERBOSE("verbose", SettingType.INT, null),

    /** pgmux-specific: the I/O engine; {@code auto} picks io_uring, then epoll, then NIO. PgBouncer has no such key. */
    TRANSPORT("transport", "auto", Words.TRANSPORTS, Flag.NO_RELOAD, Flag.PGMUX),
    /**
     * pgmux-specific: how many event loop threads carry the connections; 0 (the default) means one per two cores the
     * JVM sees, at least one. A pooler mostly shares its machine with PostgreSQL or the clients, and there a loop
     * thread of its own on every core costs more wake-ups than it brings (bench/, docs/performance.md); on a machine
     * of its own, set it to the number of cores.
     */
    EVENT_LOOPS("event_loops", SettingType.INT, "0", Flag.NO_RELOAD, Flag.PGMUX),
    /**
     * pgmux-specific: {@code host:port} of the HTTP endpoint that serves {@code /metrics} in Prometheus's text format;
     * empty (the default) for none. {@code *} as host listens on every address.
     */
    METRICS_LISTEN("metrics_listen", SettingType.STRING, "", Flag.NO_RELOAD, Flag.PGMUX);

    /** Per-key properties that PgBouncer keeps as CfKey flags, plus pgmux's own marker. */
    private enum Flag {
        /** CF_NO_RELOAD: read at startup only; RELOAD and SET leave the value unchanged. */
        NO_RELOAD,
        /** Not a PgBouncer key: pgmux's own. */
        PGMUX
    }

    /** The allowed words of the ENUM settings, in PgBouncer's order. */
    private static final class Words {
        static final List<String> AUTH_TYPES =
                List.of("any", "trust", "plain", "md5", "cert", "hba", "ldap", "pam", "scram-sha-256");
        static final List<String> POOL_MODES = List.of("session", "transaction", "statement");
        static final List<String> SSLMODES =
                List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
        static final List<String> TRANSPORTS = List.of("auto", "io_uring", "epoll", "nio");
    }

    private static final Map<String, Setting> BY_KEY = new HashMap<>();

    static {
        for (Setting s : values()) {
            BY_KEY.put(s.key, s);
        }
    }

    private final String key;
    private final SettingType type;
    private final String defaultValue;
    private final boolean noDefaultText;
    private final long min;
    private final long max;
    private final List<String> words;
    private final boolean changeable;
    private final boolean pgmuxOnly;

    Setting(String key, SettingType type, String pgDefault, Flag... flags) {
        this(key, type, pgDefault, 0, Integer.MAX_VALUE, List.of(), flags);
    }

    Setting(String key, String pgDefault, long min, long max, Flag... flags) {
        this(key, SettingType.INT, pgDefault, min, max, List.of(), flags);
    }

    Setting(String key, String pgDefault, List<String> words, Flag... flags) {
        this(key, SettingType.ENUM, pgDefault, 0, 0, words, flags);
    }

    Setting(String key, SettingType type, String pgDefault, long min, long max, List<String> words, Flag... flags) {
        this.key = key;
        this.type = type;
        this.noDefaultText = pgDefault == null;
        this.defaultValue = pgDefault != null ? pgDefault : (type == SettingType.INT ? "0" : "");
        this.min = min;
        this.max = max;
        this.words = words;
        this.changeable = !List.of(flags).contains(Flag.NO_RELOAD);
        this.pgmuxOnly = List.of(flags).contains(Flag.PGMUX);
    }

    /** The key as written in pgbouncer.ini. */
    public String key() {
        return key;
    }

    public SettingType type() {
        return type;
    }

    /** The value used when the file does not give one ({@code ""} for texts PgBouncer leaves unset). */
    public String defaultValue() {
        return defaultValue;
    }

    /** The {@code default} column of SHOW CONFIG: PgBouncer's default text, or null where PgBouncer has none. */
    public String showDefault() {
        return noDefaultText ? null : defaultValue;
    }

    /**
     * True when PgBouncer has no default for the key: an unset text shows as NULL in SHOW CONFIG, and a second
     * {@code [pgbouncer]} section does not reset the key.
     */
    boolean noDefaultText() {
        return noDefaultText;
    }

    /**
     * The {@code changeable} column of SHOW CONFIG. False for keys read only at startup (PgBouncer's CF_NO_RELOAD):
     * RELOAD keeps their running value, and {@code SET} refuses them with "SET failed" (PgBouncer answers such a SET
     * as if done and ignores it).
     */
    public boolean changeable() {
        return changeable;
    }

    /** True for pgmux's own keys, which PgBouncer does not have (SHOW CONFIG in PgBouncer does not list them). */
    public boolean pgmuxOnly() {
        return pgmuxOnly;
    }

    /** The words an ENUM setting accepts (compared case-insensitively), in PgBouncer's order; empty for other types. */
    public List<String> allowedValues() {
        return words;
    }

    /**
     * Checks a value as written in the file or given to SET.
     *
     * @throws IllegalArgumentException with the reason the value is not valid for this key
     */
    public void validate(String value) {
        switch (type) {
            case INT -> checkRange(SettingValues.parseInteger(value));
            case BOOL -> SettingValues.parseBool(value);
            case SECONDS, MILLIS -> SettingValues.parseDuration(value, type == SettingType.MILLIS);
            case ENUM -> canonicalWord(value);
            case STRING, LIST -> {
                if (this == METRICS_LISTEN && !value.isBlank()) {
                    HostPort.parse(value);
                }
                if (this == AUTH_DBNAME && value.equals(PgBouncerConfig.ADMIN_DATABASE)) {
                    throw new IllegalArgumentException("cannot use the reserved \"" + PgBouncerConfig.ADMIN_DATABASE
                            + "\" database as an auth_dbname");
                }
            }
        }
    }

    private void checkRange(long v) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(min == 0 && v < 0 ? "must not be negative"
                    : "must be between " + min + " and " + max);
        }
    }

    /** The allowed word a valid ENUM value names, spelled as in {@link #allowedValues()}. */
    String canonicalWord(String value) {
        String t = value.trim().toLowerCase(Locale.ROOT);
        for (String w : words) {
            if (w.equals(t)) {
                return w;
            }
        }
        throw new IllegalArgumentException("expected one of: " + String.join(", ", words));
    }

    /** The setting for a key (matched case-insensitively), or null. */
    public static Setting byKey(String key) {
        return BY_KEY.get(key.trim().toLowerCase(Locale.ROOT));
    }
}
