package io.pgmux.admin.show;

import io.pgmux.admin.view.ConnectionSnapshot;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** SHOW CLIENTS, SERVERS, SOCKETS, ACTIVE_SOCKETS and FDS: one row per connection. */
final class ConnectionTables {
    private static final long MICROS_PER_SECOND = 1_000_000L;

    /**
     * admin.c admin_show_fds: pgmux cannot hand its sockets to another process, so the result has PgBouncer's
     * columns and no rows (and never a password or SCRAM key).
     */
    static final ResultTable FDS = new ResultTable(List.of(
            new Column("fd", PgType.INT4),
            new Column("task", PgType.TEXT),
            new Column("user", PgType.TEXT),
            new Column("database", PgType.TEXT),
            new Column("addr", PgType.TEXT),
            new Column("port", PgType.INT4),
            new Column("cancel", PgType.INT8),
            new Column("link", PgType.INT4),
            new Column("client_encoding", PgType.TEXT),
            new Column("std_strings", PgType.TEXT),
            new Column("datestyle", PgType.TEXT),
            new Column("timezone", PgType.TEXT),
            new Column("password", PgType.TEXT),
            new Column("scram_client_key", PgType.BYTEA),
            new Column("scram_server_key", PgType.BYTEA)), List.of());

    private final DateTimeFormatter time;
    private final ShowTable<ConnectionSnapshot<?>> connections;
    private final ShowTable<ConnectionSnapshot<?>> sockets;

    /** Timestamps print in this zone, as PgBouncer prints local time with the zone's abbreviation. */
    ConnectionTables(ZoneId zone) {
        time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss zzz", Locale.ROOT).withZone(zone);
        connections = standard(c -> c.state().stateWord()).build();
        sockets = standard(c -> c.state().columnName())
                .int4("recv_pos", c -> c.buffers().recvPos())
                .int4("pkt_pos", c -> c.buffers().pktPos())
                .int4("pkt_remain", c -> c.buffers().pktRemain())
                .int4("send_pos", c -> c.buffers().sendPos())
                .int4("send_remain", c -> c.buffers().sendRemain())
                .int4("pkt_avail", c -> c.buffers().pktAvail())
                .int4("send_avail", c -> c.buffers().sendAvail())
                .build();
    }

    /** admin.c socket_header and socket_row for SHOW CLIENTS and SERVERS. */
    ShowTable<ConnectionSnapshot<?>> connections() {
        return connections;
    }

    /** The same with the buffer columns, for SHOW SOCKETS and ACTIVE_SOCKETS; the state is the list name. */
    ShowTable<ConnectionSnapshot<?>> sockets() {
        return sockets;
    }

    private ShowTable.Builder<ConnectionSnapshot<?>> standard(Function<ConnectionSnapshot<?>, String> state) {
        return ShowTable.<ConnectionSnapshot<?>>builder()
                .text("type", c -> c.state().type())
                .text("user", c -> c.user() != null ? c.user() : "(nouser)")
                .text("database", c -> c.database() != null ? c.database() : "(nodb)")
                .text("replication", c -> c.replication().word())
                .text("state", state)
                .text("addr", ConnectionSnapshot::addr)
                .int4("port", ConnectionSnapshot::port)
                .text("local_addr", ConnectionSnapshot::localAddr)
                .int4("local_port", ConnectionSnapshot::localPort)
                .text("connect_time", c -> format(c.connectTime()))
                .text("request_time", c -> format(c.requestTime()))
                .int4("wait", c -> c.waitUs() / MICROS_PER_SECOND)
                .int4("wait_us", c -> c.waitUs() % MICROS_PER_SECOND)
                .int4("close_needed", c -> c.closeNeeded() ? 1 : 0)
                .text("ptr", c -> pointer(c.id()))
                .text("link", c -> c.linkId() != null ? pointer(c.linkId()) : "")
                .int4("remote_pid", ConnectionSnapshot::remotePid)
                .text("tls", ConnectionSnapshot::tls)
                .text("application_name", ConnectionSnapshot::applicationName)
                .int4("prepared_statements", ConnectionSnapshot::preparedStatements)
                .int4("id", ConnectionSnapshot::id);
    }

    private String format(Instant instant) {
        return time.format(instant);
    }

    /** ptr and link name a connection by its id, which is unique over clients and servers as PgBouncer's are. */
    private static String pointer(long id) {
        return "0x" + Long.toHexString(id);
    }
}
