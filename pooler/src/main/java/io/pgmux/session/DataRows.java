package io.pgmux.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the text columns of a DataRow body, for the few rows pgmux reads itself (auth_query). */
final class DataRows {
    private DataRows() {
    }

    /** The columns of a DataRow body; null for SQL NULL; an empty list for a malformed body. */
    static List<String> columns(byte[] body, int length) {
        ByteBuffer in = ByteBuffer.wrap(body, 0, length);
        List<String> columns = new ArrayList<>();
        if (in.remaining() < 2) {
            return columns;
        }
        int count = in.getShort() & 0xFFFF;
        for (int i = 0; i < count; i++) {
            if (in.remaining() < 4) {
                return List.of();
            }
            int n = in.getInt();
            if (n < 0) {
                columns.add(null);
            } else if (n > in.remaining()) {
                return List.of();
            } else {
                columns.add(new String(body, in.position(), n, StandardCharsets.UTF_8));
                in.position(in.position() + n);
            }
        }
        return columns;
    }
}
