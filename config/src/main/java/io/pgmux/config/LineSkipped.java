package io.pgmux.config;

import java.nio.file.Path;

/** A line of an HBA or ident file that PgBouncer logs and ignores, going on with the next line; carries the reason. */
final class LineSkipped extends Exception {
    private static final long serialVersionUID = 1L;

    LineSkipped(String reason) {
        super(reason, null, false, false);
    }

    /** The warning {@code file:line: reason; the line is ignored}, hinting at a continuation backslash if any. */
    String warning(Path file, int lineNumber, String lineText) {
        String hint = lineText.strip().endsWith("\\")
                ? " (a line ending in \\ is not continued on the next line, unlike in PostgreSQL)"
                : "";
        return file + ":" + lineNumber + ": " + getMessage() + hint + "; the line is ignored";
    }
}
