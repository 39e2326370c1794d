package io.pgmux.admin.view;

/** A client or server state as the admin console names it: the SHOW POOLS column and the SHOW CLIENTS/SERVERS word. */
public interface ConnectionState {
    /** {@code C} for a client, {@code S} for a server: the type column of SHOW CLIENTS and SERVERS. */
    String type();

    /** The SHOW POOLS column that counts this state ({@code cl_active}); also the state word of SHOW SOCKETS. */
    String columnName();

    /** The state column of SHOW CLIENTS or SHOW SERVERS ({@code active}, {@code idle}, {@code new}, ...). */
    String stateWord();
}
