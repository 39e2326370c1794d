package io.pgmux.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Builds {@code [databases]}, {@code [users]} and {@code [peers]} entries from the keys PgBouncer 1.25 accepts. */
final class SectionEntries {
    private static final String CONNSTR_SYNTAX = "syntax error in connection string";
    private static final String ROUND_ROBIN = "round-robin";

    private SectionEntries() {
    }

    /** A {@code [databases]} line. */
    static DatabaseEntry database(String name, String connstr) {
        if (name.equals(PgBouncerConfig.ADMIN_DATABASE)) {
            throw new IllegalArgumentException("database name \"" + name + "\" is reserved");
        }
        String host = null;
        int port = 5432;
        String dbname = null;
        String user = null;
        String password = null;
        String authUser = null;
        String authQuery = null;
        String authDbname = null;
        int poolSize = -1;
        int minPoolSize = -1;
        int reservePool = -1;
        int maxDbConnections = -1;
        int maxDbClientConnections = -1;
        Duration serverLifetime = null;
        PoolMode poolMode = null;
        String connectQuery = null;
        String clientEncoding = null;
        String datestyle = null;
        String timezone = null;
        String applicationName = null;
        String loadBalanceHosts = ROUND_ROBIN;
        for (Map.Entry<String, String> pair : ConnString.parse(connstr, CONNSTR_SYNTAX)) {
            String key = pair.getKey();
            String v = pair.getValue();
            switch (key) {
                case "dbname" -> dbname = v;
                case "host" -> host = v;
                case "port" -> port = port(v);
                case "user" -> user = v;
                case "password" -> password = v;
                case "auth_user" -> authUser = v;
                case "auth_query" -> authQuery = v;
                case "auth_dbname" -> authDbname = v;
                case "client_encoding" -> clientEncoding = v;
                case "datestyle" -> datestyle = v;
                case "timezone" -> timezone = v;
                case "pool_size" -> poolSize = count(key, v);
                case "min_pool_size" -> minPoolSize = count(key, v);
                case "reserve_pool", "reserve_pool_size" -> reservePool = count(key, v);
                case "max_db_connections" -> maxDbConnections = count(key, v);
                case "max_db_client_connections" -> maxDbClientConnections = count(key, v);
                case "server_lifetime" -> serverLifetime = seconds(key, v);
                case "load_balance_hosts" -> loadBalanceHosts = loadBalanceHosts(v);
                case "pool_mode" -> poolMode = poolMode(v);
                case "connect_query" -> connectQuery = v;
                case "application_name" -> applicationName = v;
                default -> throw new IllegalArgumentException("unrecognized connection parameter: " + key);
            }
        }
        return new DatabaseEntry(name, host, port, dbname, user, password, authUser, authQuery, authDbname,
                poolSize, minPoolSize, reservePool, maxDbConnections, maxDbClientConnections, serverLifetime,
                poolMode, connectQuery, clientEncoding, datestyle, timezone, applicationName, loadBalanceHosts);
    }

    /** A {@code [users]} line. */
    static UserEntry user(String name, String settings) {
        int poolSize = -1;
        int reservePoolSize = -1;
        PoolMode poolMode = null;
        int maxUserConnections = -1;
        int maxUserClientConnections = -1;
        Duration queryTimeout = null;
        Duration idleTransactionTimeout = null;
        Duration transactionTimeout = null;
        Duration clientIdleTimeout = null;
        for (Map.Entry<String, String> pair : ConnString.parse(settings, "syntax error in user settings")) {
            String key = pair.getKey();
            String v = pair.getValue();
            switch (key) {
                case "pool_mode" -> poolMode = poolMode(v);
                case "pool_size" -> poolSize = count(key, v);
                case "reserve_pool_size" -> reservePoolSize = count(key, v);
                case "max_user_connections" -> maxUserConnections = count(key, v);
                case "max_user_client_connections" -> maxUserClientConnections = count(key, v);
                case "query_timeout" -> queryTimeout = seconds(key, v);
                case "idle_transaction_timeout" -> idleTransactionTimeout = seconds(key, v);
                case "transaction_timeout" -> transactionTimeout = seconds(key, v);
                case "client_idle_timeout" -> clientIdleTimeout = seconds(key, v);
                default -> throw new IllegalArgumentException("unrecognized user parameter: " + key);
            }
        }
        return new UserEntry(name, poolSize, reservePoolSize, poolMode, maxUserConnections, maxUserClientConnections,
                queryTimeout, idleTransactionTimeout, transactionTimeout, clientIdleTimeout);
    }

    /** A {@code [peers]} line; the key is the peer id. */
    static PeerEntry peer(String name, String connstr) {
        int peerId = name.matches("[0-9]{1,9}") ? Integer.parseInt(name) : 0;
        if (peerId < 1 || peerId > PeerEntry.MAX_PEER_ID) {
            throw new IllegalArgumentException(
                    "ids of peers must be a number larger than 0 and at most " + PeerEntry.MAX_PEER_ID);
        }
        String host = null;
        int port = PeerEntry.DEFAULT_PORT;
        int poolSize = -1;
        for (Map.Entry<String, String> pair : ConnString.parse(connstr, CONNSTR_SYNTAX)) {
            String key = pair.getKey();
            String v = pair.getValue();
            switch (key) {
                case "host" -> host = v;
                case "port" -> port = port(v);
                case "pool_size" -> poolSize = count(key, v);
                default -> throw new IllegalArgumentException("unrecognized connection parameter: " + key);
            }
        }
        if (host == null) {
            throw new IllegalArgumentException("host was not provided for peer " + peerId);
        }
        return new PeerEntry(peerId, host, port, poolSize);
    }

    // Numbers are read as PgBouncer's atoi reads them, except that trailing junk is an error.

    private static int port(String v) {
        long port = v.matches("\\+?[0-9]{1,9}") ? Long.parseLong(v) : 0;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid port: " + v);
        }
        return (int) port;
    }

    /** A size or limit; any negative number means "not set" (-1), as in PgBouncer. */
    private static int count(String key, String v) {
        if (!v.matches("[+-]?[0-9]{1,10}") || Math.abs(Long.parseLong(v)) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid " + key + ": " + v);
        }
        return Math.max(-1, Integer.parseInt(v));
    }

    /** Whole seconds, a fraction dropped as PgBouncer's atoi drops it; 0 means "not set" (null). */
    private static Duration seconds(String key, String v) {
        if (!v.matches("\\+?[0-9]{1,10}(\\.[0-9]*)?")) {
            throw new IllegalArgumentException("invalid " + key + ": " + v);
        }
        String whole = v.replaceFirst("\\..*", "");
        long seconds = Long.parseLong(whole);
        if (seconds > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid " + key + ": " + v);
        }
        return seconds == 0 ? null : Duration.ofSeconds(seconds);
    }

    private static PoolMode poolMode(String v) {
        PoolMode mode = PoolMode.parseOrNull(v);
        if (mode == null) {
            throw new IllegalArgumentException("invalid pool mode: " + v);
        }
        return mode;
    }

    private static String loadBalanceHosts(String v) {
        String t = v.toLowerCase(Locale.ROOT);
        if (!t.equals(ROUND_ROBIN) && !t.equals("disable")) {
            throw new IllegalArgumentException("invalid load_balance_hosts: " + v);
        }
        return t;
    }
}
