package io.pgmux.admin;

import io.pgmux.admin.show.ResultTable;
import java.util.Objects;

/** What the admin console answers one query with, before ReadyForQuery: rows, a command tag, or an error. */
public sealed interface AdminResult {

    /** RowDescription and a DataRow per row, then CommandComplete {@code SHOW}. */
    record Rows(ResultTable table) implements AdminResult {
        /** The CommandComplete tag of every result with rows. */
        public static final String TAG = "SHOW";

        public Rows {
            Objects.requireNonNull(table, "table");
        }
    }

    /** The notice first when there is one (null when not), then CommandComplete with this tag. */
    record Completed(String tag, AdminNotice notice) implements AdminResult {
        public Completed {
            Objects.requireNonNull(tag, "tag");
        }
    }

    /** An ErrorResponse. */
    record Failed(AdminError error) implements AdminResult {
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }
}
