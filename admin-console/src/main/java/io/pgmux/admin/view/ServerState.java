package io.pgmux.admin.view;

/** Where a server connection stands, named as PgBouncer's users see it. */
public enum ServerState implements ConnectionState {
    /** Linked to a client. */
    ACTIVE("sv_active", "active"),
    /** Free and usable at once. */
    IDLE("sv_idle", "idle"),
    /** Free but idle longer than server_check_delay: server_check_query runs before reuse. */
    USED("sv_used", "used"),
    /** Running server_reset_query or server_check_query. */
    TESTED("sv_tested", "tested"),
    /** Logging in to PostgreSQL; SHOW SERVERS calls it {@code new}. */
    LOGIN("sv_login", "new"),
    /** Forwarding a cancel request. */
    ACTIVE_CANCEL("sv_active_cancel", "active_cancel"),
    /** Would be idle, but cancel requests for its query are still in flight. */
    BEING_CANCELED("sv_being_canceled", "being_canceled");

    private final String columnName;
    private final String stateWord;

    ServerState(String columnName, String stateWord) {
        this.columnName = columnName;
        this.stateWord = stateWord;
    }

    @Override
    public String type() {
        return "S";
    }

    @Override
    public String columnName() {
        return columnName;
    }

    @Override
    public String stateWord() {
        return stateWord;
    }
}
