package io.pgmux.admin.show;

import java.util.Objects;

/** One column of a result: its name and type. */
public record Column(String name, PgType type) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
