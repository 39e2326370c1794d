package io.pgmux.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.pgmux.admin.AdminCommandParser;
import io.pgmux.admin.AdminError;
import io.pgmux.admin.AdminNotice;
import io.pgmux.admin.AdminResult;
import io.pgmux.admin.show.Column;
import io.pgmux.admin.show.ResultTable;
import io.pgmux.protocol.LoginMessage;
import io.pgmux.protocol.MessageType;
import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.protocol.PgMessages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admin console for one logged-in client, in place of the relay: answers simple Query messages one at a time,
 * in order (reading stops while a command runs, and messages already read wait), and refuses every other message as
 * PgBouncer does.
 */
public final class AdminSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(AdminSession.class.getName());

    /** Told to the handlers after this one when the client sends Terminate (log_disconnections' reason). */
    static final Object CLOSE_REQUESTED = new Object();

    private final AdminConsole console;
    private final boolean isAdmin;
    /** Logs an error sent to the client, as PgBouncer's admin_error does. */
    private final Consumer<String> errorLog;
    /** Messages read while a command runs; touched only on the channel's loop. */
    private final ArrayDeque<LoginMessage> waiting = new ArrayDeque<>();
    private boolean busy;

    public AdminSession(AdminConsole console, boolean isAdmin, Consumer<String> errorLog) {
        this.console = console;
        this.isAdmin = isAdmin;
        this.errorLog = errorLog;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof LoginMessage message)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (busy) {
            waiting.add(message);
            return;
        }
        handle(ctx, message);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        LoginMessage m;
        while ((m = waiting.poll()) != null) {
            m.release();
        }
        ctx.fireChannelInactive();
    }

    private void handle(ChannelHandlerContext ctx, LoginMessage message) {
        try {
            switch (message.type()) {
                case MessageType.QUERY -> onQuery(ctx, message.body());
                case MessageType.TERMINATE -> {
                    busy = true;
                    ctx.fireUserEventTriggered(CLOSE_REQUESTED);
                    ctx.close();
                }
                case MessageType.PARSE, MessageType.BIND, MessageType.EXECUTE ->
                        refuse(ctx, AdminError.extendedQueryNotSupported());
                default -> refuse(ctx, AdminError.unsupportedPacketType(message.type()));
            }
        } finally {
            message.release();
        }
    }

    private void onQuery(ChannelHandlerContext ctx, ByteBuf body) {
        int end = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
        if (end < 0) {
            refuse(ctx, null);
            return;
        }
        String query = body.toString(body.readerIndex(), end - body.readerIndex(), StandardCharsets.UTF_8);
        busy = true;
        ctx.channel().config().setAutoRead(false);
        console.executor().execute(AdminCommandParser.parse(query), console.view(), console.control(), isAdmin)
                .whenComplete((result, failure) -> ctx.executor().execute(() -> {
                    if (failure != null) {
                        LOG.log(Level.WARNING, "admin command failed: " + query, failure);
                        result(ctx, new AdminResult.Failed(new AdminError(AdminError.PROTOCOL_VIOLATION,
                                "internal error: " + failure.getMessage())));
                    } else {
                        result(ctx, result);
                    }
                    busy = false;
                    ctx.channel().config().setAutoRead(true);
                    LoginMessage next;
                    while (!busy && ctx.channel().isActive() && (next = waiting.poll()) != null) {
                        handle(ctx, next);
                    }
                }));
    }

    private void result(ChannelHandlerContext ctx, AdminResult result) {
        ByteBuf out = ctx.alloc().buffer(256);
        if (result instanceof AdminResult.Rows rows) {
            writeTable(out, rows.table());
            PgMessages.commandComplete(out, AdminResult.Rows.TAG);
        } else if (result instanceof AdminResult.Completed done) {
            AdminNotice notice = done.notice();
            if (notice != null) {
                PgMessages.noticeResponse(out, notice.message(), notice.detail());
            }
            PgMessages.commandComplete(out, done.tag());
        } else {
            AdminError error = ((AdminResult.Failed) result).error(); // the last kind of AdminResult
            errorLog.accept(error.message());
            PgMessages.errorResponse(out, "ERROR", error.sqlState(), error.message());
        }
        PgMessages.readyForQuery(out, MessageType.TX_IDLE);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    private static void writeTable(ByteBuf out, ResultTable table) {
        List<Column> columns = table.columns();
        int[] oids = new int[columns.size()];
        int[] sizes = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            oids[i] = columns.get(i).type().oid();
            sizes[i] = columns.get(i).type().typeSize();
        }
        PgMessages.rowDescription(out, columns.stream().map(Column::name).toList(), oids, sizes);
        for (List<String> row : table.rows()) {
            PgMessages.dataRow(out, row);
        }
    }

    /** PgBouncer's admin_error then disconnect_client(..., "bad packet"); with no error, only the FATAL. */
    private void refuse(ChannelHandlerContext ctx, AdminError error) {
        busy = true;
        ByteBuf out = ctx.alloc().buffer(128);
        if (error != null) {
            errorLog.accept(error.message());
            PgMessages.errorResponse(out, "ERROR", error.sqlState(), error.message());
        }
        PgMessages.errorResponse(out, "FATAL", PgBouncerErrors.PROTOCOL_VIOLATION,
                error != null ? "bad packet" : "incomplete query");
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }
}
