package io.pgmux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgmux.protocol.MessageType;
import io.pgmux.protocol.PgMessages;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Typical request batches a client sends after login and the answers PostgreSQL gives them, as bytes on the wire:
 * what {@code pgbench -S} exchanges with the simple and the extended protocol, and a larger result.
 */
public enum Exchange {
    /** Query of one row (pgbench -S): RowDescription, DataRow, CommandComplete, ReadyForQuery. */
    SIMPLE_1_ROW,
    /** Query of 100 rows of two columns: RowDescription, 100 DataRows, CommandComplete, ReadyForQuery. */
    SIMPLE_100_ROWS,
    /**
     * Parse, Bind, Execute, Sync of the unnamed statement (pgbench -S -M extended): ParseComplete, BindComplete,
     * DataRow, CommandComplete, ReadyForQuery.
     */
    EXTENDED_1_ROW;

    private static final String SELECT_ONE = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";
    private static final String SELECT_HUNDRED = "SELECT aid, abalance FROM pgbench_accounts WHERE aid <= 100";

    /** What the client sends: one request, answered by one ReadyForQuery. */
    public byte[] request() {
        return switch (this) {
            case SIMPLE_1_ROW -> bytes(out -> PgMessages.query(out, SELECT_ONE.replace("$1", "4711")));
            case SIMPLE_100_ROWS -> bytes(out -> PgMessages.query(out, SELECT_HUNDRED));
            case EXTENDED_1_ROW -> bytes(out -> PgMessages.extendedQuery(out, SELECT_ONE, List.of("4711")));
        };
    }

    /** PostgreSQL's answer to {@link #request}, its ReadyForQuery carrying {@code txStatus}. */
    public byte[] response(byte txStatus) {
        return bytes(out -> {
            switch (this) {
                case SIMPLE_1_ROW -> {
                    PgMessages.rowDescription(out, List.of("abalance"), new int[] {23}, new int[] {4});
                    PgMessages.dataRow(out, List.of("-2874"));
                    PgMessages.commandComplete(out, "SELECT 1");
                }
                case SIMPLE_100_ROWS -> {
                    PgMessages.rowDescription(out, List.of("aid", "abalance"), new int[] {23, 23}, new int[] {4, 4});
                    for (int aid = 1; aid <= 100; aid++) {
                        PgMessages.dataRow(out, List.of(Integer.toString(aid), Integer.toString(aid * 37 - 1500)));
                    }
                    PgMessages.commandComplete(out, "SELECT 100");
                }
                case EXTENDED_1_ROW -> {
                    out.writeByte('1').writeInt(4);
                    out.writeByte('2').writeInt(4);
                    PgMessages.dataRow(out, List.of("-2874"));
                    PgMessages.commandComplete(out, "SELECT 1");
                }
            }
            PgMessages.readyForQuery(out, txStatus);
        });
    }

    /** How many messages {@link #response} holds. */
    public int responseMessages() {
        return switch (this) {
            case SIMPLE_1_ROW -> 4;
            case SIMPLE_100_ROWS -> 103;
            case EXTENDED_1_ROW -> 5;
        };
    }

    /** A client's StartupMessage, protocol 3.0, for user and database {@code bench}. */
    public static byte[] startupMessage() {
        return bytes(out -> PgMessages.startupMessage(out, BenchConfig.startupParameters()));
    }

    /** A server's answers to a trust login: AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery. */
    public static byte[] loginResponse() {
        return bytes(out -> {
            PgMessages.authentication(out, MessageType.AUTH_OK);
            List<String[]> parameters = new ArrayList<>();
            parameters.add(new String[] {"server_version", "16.4"});
            parameters.add(new String[] {"server_encoding", "UTF8"});
            parameters.add(new String[] {"client_encoding", "UTF8"});
            parameters.add(new String[] {"DateStyle", "ISO, MDY"});
            parameters.add(new String[] {"TimeZone", "UTC"});
            parameters.add(new String[] {"integer_datetimes", "on"});
            parameters.add(new String[] {"standard_conforming_strings", "on"});
            for (String[] p : parameters) {
                PgMessages.parameterStatus(out, p[0], p[1]);
            }
            PgMessages.backendKeyData(out, 4242, 0x5eed);
            PgMessages.readyForQuery(out, MessageType.TX_IDLE);
        });
    }

    private static byte[] bytes(Consumer<ByteBuf> writer) {
        ByteBuf out = Unpooled.buffer();
        writer.accept(out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }
}
