package io.pgmux.admin;

import java.util.Objects;

/**
 * An ErrorResponse the admin console sends: SQLSTATE and message, with every PgBouncer 1.25.2 admin text in one place.
 *
 * <p>PgBouncer's admin errors are severity ERROR, followed by ReadyForQuery, and carry SQLSTATE 08P01 unless stated.
 */
public record AdminError(String sqlState, String message) {
    /** The SQLSTATE PgBouncer's {@code admin_error} uses for every admin error: protocol_violation. */
    public static final String PROTOCOL_VIOLATION = "08P01";

    /** The SQLSTATE of a failed RELOAD: config_file_error. */
    public static final String CONFIG_FILE_ERROR = "F0000";

    public AdminError {
        Objects.requireNonNull(sqlState, "sqlState");
        Objects.requireNonNull(message, "message");
    }

    private static AdminError of(String message) {
        return new AdminError(PROTOCOL_VIOLATION, message);
    }

    /** Text the parser does not understand, or an unknown SHOW subject; quotes the whole query. */
    public static AdminError invalidCommand(String query) {
        return of("invalid command '" + query + "', use SHOW HELP;");
    }

    /** A command word, argument, SET key or value too long, or an empty SET key. */
    public static AdminError badArguments() {
        return of("bad arguments");
    }

    /** A stats user tried a command only admin_users may run. */
    public static AdminError adminAccessNeeded() {
        return of("admin access needed");
    }

    /** DISABLE or ENABLE without a database. */
    public static AdminError databaseRequired() {
        return of("a database is required");
    }

    /** KILL_CLIENT whose argument is not a number. */
    public static AdminError invalidClientPointer() {
        return of("invalid client pointer supplied");
    }

    /** KILL_CLIENT with an id no client has. */
    public static AdminError clientNotFound() {
        return of("client not found");
    }

    /** A database name that names no configured (or auto-) database. */
    public static AdminError noSuchDatabase(String db) {
        return of("no such database: " + db);
    }

    /** PAUSE of the admin database. */
    public static AdminError cannotPauseAdminDb(String db) {
        return of("cannot pause admin db: " + db);
    }

    /** RECONNECT of the admin database. */
    public static AdminError cannotReconnectAdminDb(String db) {
        return of("cannot reconnect admin db: " + db);
    }

    /** DISABLE of the admin database. */
    public static AdminError cannotDisableAdminDb(String db) {
        return of("cannot disable admin db: " + db);
    }

    /** ENABLE of the admin database (1.25.2 said "disable" here; fixed upstream in #1308). */
    public static AdminError cannotEnableAdminDb(String db) {
        return of("cannot enable admin db: " + db);
    }

    /** KILL of the admin database. */
    public static AdminError cannotKillAdminDb(String db) {
        return of("cannot kill admin db: " + db);
    }

    /** WAIT_CLOSE on the admin database. */
    public static AdminError cannotWaitInAdminDb(String db) {
        return of("cannot wait in admin db: " + db);
    }

    /** PAUSE, SUSPEND or KILL while the whole pooler is already paused or suspended. */
    public static AdminError alreadySuspendedOrPaused() {
        return of("already suspended/paused");
    }

    /** SUSPEND while some database is paused (suspending must be able to flush every buffer). */
    public static AdminError cannotSuspendWithPausedDatabases() {
        return of("cannot suspend with paused databases");
    }

    /** RESUME during SHUTDOWN WAIT_FOR_SERVERS or WAIT_FOR_CLIENTS. */
    public static AdminError poolerShuttingDown() {
        return of("pooler is shutting down");
    }

    /** RESUME without a database while the pooler is neither paused nor suspended. */
    public static AdminError poolerNotPausedOrSuspended() {
        return of("pooler is not paused/suspended");
    }

    /** RESUME db for a database that is not paused. */
    public static AdminError databaseNotPaused(String db) {
        return of("database " + db + " is not paused");
    }

    /** SET of an unknown key, a key that cannot change at run time, or an invalid value. */
    public static AdminError setFailed() {
        return of("SET failed");
    }

    /** RELOAD that could not load the configuration or the TLS files; the old ones stay in force. */
    public static AdminError reloadFailed() {
        return new AdminError(CONFIG_FILE_ERROR, "RELOAD failed, see logs for additional details");
    }

    /** Parse, Bind or Execute sent to the admin console (it speaks only the simple query protocol). */
    public static AdminError extendedQueryNotSupported() {
        return of("extended query protocol not supported by admin console");
    }

    /** Any other message type the admin console does not take; PgBouncer prints the type byte as a number. */
    public static AdminError unsupportedPacketType(int type) {
        return of("unsupported packet type for admin console: " + type);
    }
}
