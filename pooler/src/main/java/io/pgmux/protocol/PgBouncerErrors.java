package io.pgmux.protocol;

/**
 * The errors pgmux itself sends to clients, with PgBouncer's SQLSTATE and text so that tools and people see what
 * they saw with PgBouncer. PgBouncer uses 08P01 (protocol_violation) for its own errors unless it relays a server's.
 */
public final class PgBouncerErrors {
    private PgBouncerErrors() {
    }

    /** SQLSTATE PgBouncer uses for its own errors. */
    public static final String PROTOCOL_VIOLATION = "08P01";
    /** SQLSTATE for a failed password check (invalid_password), as PostgreSQL reports it. */
    public static final String INVALID_PASSWORD = "28P01";

    public static final String MAX_CLIENT_CONN = "no more connections allowed (max_client_conn)";
    public static final String NO_USERNAME = "no username supplied";
    public static final String PASSWORD_FAILED = "password authentication failed";
    public static final String SASL_FAILED = "SASL authentication failed";
    public static final String SASL_BAD_MECHANISM = "client selected an invalid SASL authentication mechanism";
    public static final String EMPTY_PASSWORD = "empty password returned by client";
    public static final String TRUST_FAILED = "\"trust\" authentication failed";
    public static final String PASSWORD_BEFORE_STARTUP = "client password pkt before startup packet";
    public static final String RESENT_STARTUP = "client re-sent startup pkt";
    public static final String LOGIN_REJECTED = "login rejected";
    /** A user neither in admin_users nor in stats_users logged in to the admin database. */
    public static final String NOT_ALLOWED = "not allowed";
    /** A client dropped by the admin command KILL_CLIENT. */
    public static final String ADMIN_FORCED_DISCONNECT = "admin forced disconnect";
    public static final String SHUTTING_DOWN = "pooler is shutting down";
    /** A client that would wait for a server during SHUTDOWN WAIT_FOR_SERVERS (or SIGINT). */
    public static final String SERVER_SHUTTING_DOWN = "server shutting down";
    /** A client or server dropped by the admin command KILL, or whose database RELOAD removed. */
    public static final String DATABASE_REMOVED = "database removed";
    /** A connection that did not flush its buffers within suspend_timeout after SUSPEND. */
    public static final String SUSPEND_TIMEOUT = "suspend_timeout";
    public static final String CONNECT_FAILED = "connect failed";
    public static final String SERVER_CONNECTION_CLOSED = "server conn crashed?";
    public static final String CLIENT_LOGIN_TIMEOUT = "client_login_timeout";
    /** client_login_timeout while waiting for the first server login, which is not coming. */
    public static final String CLIENT_LOGIN_TIMEOUT_SERVER_DOWN = "client_login_timeout (server down)";
    public static final String CONNECT_TIMEOUT = "connect timeout";
    public static final String SSL_REQUIRED = "SSL required";
    public static final String CONFIG_ERROR = "bouncer config error";
    public static final String PEER_REJECTED = "unix socket login rejected";
    /** PgBouncer's MAX_USERNAME: names of this many bytes or more are refused. */
    public static final int MAX_USERNAME = 128;
    public static final String USERNAME_TOO_LONG = "username too long";
    public static final String CERT_FAILED = "certificate authentication failed";
    public static final String UNKNOWN_PACKET = "unknown pkt";
    public static final String QUERY_WAIT_TIMEOUT = "query_wait_timeout";
    public static final String QUERY_TIMEOUT = "query timeout";
    public static final String CLIENT_IDLE_TIMEOUT = "client_idle_timeout";
    public static final String IDLE_TRANSACTION_TIMEOUT = "idle transaction timeout";
    public static final String TRANSACTION_TIMEOUT = "transaction timeout";
    public static final String STATEMENT_MODE_TRANSACTION =
            "transaction blocks not allowed in statement pooling mode";

    /** "no such database: name", sent after authentication so it reveals nothing to strangers. */
    public static String noSuchDatabase(String name) {
        return "no such database: " + name;
    }

    /** A database closed to new clients by the admin command DISABLE. */
    public static String databaseDisabled(String name) {
        return "database \"" + name + "\" is disabled";
    }

    /** A startup parameter that is neither tracked nor in ignore_startup_parameters. */
    public static String unsupportedStartupParameter(String name) {
        return "unsupported startup parameter: " + name;
    }

    /** The options startup parameter holds something other than -c name=value or --name=value. */
    public static final String UNSUPPORTED_OPTIONS =
            "unsupported options startup parameter: only '-c config=val' and '--config=val' are allowed";

    /** A -c name=value in the options startup parameter that is neither tracked nor ignored. */
    public static String unsupportedStartupOption(String name) {
        return "unsupported startup parameter in options: " + name;
    }

    /** The error new clients get while the pool cannot log in to its server. */
    public static String loginFailing(String cause) {
        return "server login has been failing, cached error: " + cause + " (server_login_retry)";
    }
}
