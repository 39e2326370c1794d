package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** The severity, SQLSTATE and message of an ErrorResponse or NoticeResponse body, read for logs and relays. */
public record ErrorFields(String severity, String sqlState, String message) {

    /** Reads the fields of a body; missing fields are null (a server may omit the SQLSTATE). */
    public static ErrorFields parse(ByteBuf body) {
        String severity = null;
        String sqlState = null;
        String message = null;
        int pos = body.readerIndex();
        int end = body.writerIndex();
        while (pos < end) {
            byte code = body.getByte(pos++);
            if (code == 0) {
                break;
            }
            int nul = body.indexOf(pos, end, (byte) 0);
            if (nul < 0) {
                break;
            }
            String value = body.toString(pos, nul - pos, StandardCharsets.UTF_8);
            pos = nul + 1;
            switch (code) {
                case 'S' -> severity = value;
                case 'C' -> sqlState = value;
                case 'M' -> message = value;
                default -> {
                }
            }
        }
        return new ErrorFields(severity, sqlState, message);
    }
}
