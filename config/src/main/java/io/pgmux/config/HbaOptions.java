package io.pgmux.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The text after the method on an HBA line: PgBouncer takes one {@code map=name} option (used by {@code cert} and
 * {@code peer}), or for {@code ldap} the whole rest of the line as LDAP options.
 *
 * @param map the ident map name from {@code map=name}, which the ident file defines
 * @param ldap the raw text after {@code ldap}, without surrounding white space
 */
public record HbaOptions(Optional<String> map, Optional<String> ldap) {
    /** No options. */
    public static final HbaOptions NONE = new HbaOptions(Optional.empty(), Optional.empty());

    public HbaOptions {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(ldap, "ldap");
    }

    static HbaOptions map(String name) {
        return new HbaOptions(Optional.of(name), Optional.empty());
    }

    static HbaOptions ldap(String text) {
        return new HbaOptions(Optional.empty(), Optional.of(text));
    }
}
