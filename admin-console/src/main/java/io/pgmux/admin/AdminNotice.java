package io.pgmux.admin;

import java.util.Objects;

/** A NoticeResponse (severity NOTICE, SQLSTATE 00000) sent before a command completes: message and optional detail. */
public record AdminNotice(String message, String detail) {
    /** The SQLSTATE of every admin notice: successful_completion. */
    public static final String SQLSTATE = "00000";

    /** SHOW HELP's notice: PgBouncer 1.25.2's text, plus pgmux's own SHOW LATENCY. */
    public static final AdminNotice HELP = new AdminNotice("Console usage", String.join("\n\t",
            "",
            "SHOW HELP|CONFIG|DATABASES|POOLS|CLIENTS|SERVERS|USERS|VERSION",
            "SHOW PEERS|PEER_POOLS",
            "SHOW FDS|SOCKETS|ACTIVE_SOCKETS|LISTS|MEM|STATE",
            "SHOW DNS_HOSTS|DNS_ZONES",
            "SHOW STATS|STATS_TOTALS|STATS_AVERAGES|TOTALS",
            "SHOW LATENCY",
            "SET key = arg",
            "RELOAD",
            "PAUSE [<db>]",
            "RESUME [<db>]",
            "DISABLE <db>",
            "ENABLE <db>",
            "RECONNECT [<db>]",
            "KILL [<db>]",
            "KILL_CLIENT <client_id>",
            "SUSPEND",
            "SHUTDOWN",
            "SHUTDOWN WAIT_FOR_SERVERS|WAIT_FOR_CLIENTS",
            "WAIT_CLOSE [<db>]"));

    /** The reply to SET of a parameter drivers set out of habit (client_encoding, timezone, ...). */
    public static final AdminNotice SET_IGNORED = new AdminNotice("SET ignored", null);

    /** SET of a TLS setting that was stored but could not be applied to new connections. */
    public static final AdminNotice TLS_NOT_APPLIED =
            new AdminNotice("TLS settings could not be applied, still using old configuration", null);

    public AdminNotice {
        Objects.requireNonNull(message, "message");
    }
}
