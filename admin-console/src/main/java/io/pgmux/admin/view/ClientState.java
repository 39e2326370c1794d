package io.pgmux.admin.view;

/** Where a client connection stands, named as PgBouncer's users see it. */
public enum ClientState implements ConnectionState {
    /** Logged in and linked to a server. */
    ACTIVE("cl_active", "active"),
    /** Logged in, no query waiting, no server linked; counted in cl_active as PgBouncer does. */
    IDLE("cl_active", "idle"),
    /** Sent a query and waits for a server. */
    WAITING("cl_waiting", "waiting"),
    /** A cancel request already forwarded to the server, waiting for its answer. */
    ACTIVE_CANCEL_REQ("cl_active_cancel_req", "active_cancel_req"),
    /** A cancel request not yet forwarded. */
    WAITING_CANCEL_REQ("cl_waiting_cancel_req", "waiting_cancel_req"),
    /** Still logging in: not in any pool, so not in SHOW CLIENTS or SHOW POOLS; counted by SHOW LISTS. */
    LOGIN("cl_login", "login");

    private final String columnName;
    private final String stateWord;

    ClientState(String columnName, String stateWord) {
        this.columnName = columnName;
        this.stateWord = stateWord;
    }

    @Override
    public String type() {
        return "C";
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
