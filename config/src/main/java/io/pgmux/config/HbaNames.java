package io.pgmux.config;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The database or user column of an HBA rule: the keywords it holds and the names it lists.
 *
 * @param all {@code all} was given
 * @param sameUser {@code sameuser} was given: the name matches when it equals the other column's value (the user
 *     name for the database column; PgBouncer also reads the keyword in the user column, where it means "the user
 *     name equals the database name")
 * @param replication {@code replication} was given; only physical replication connections consult it, and only in
 *     the database column
 * @param names the literal names, in file order
 */
public record HbaNames(boolean all, boolean sameUser, boolean replication, Set<String> names) {
    public HbaNames {
        names = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(names, "names")));
    }

    /** Whether {@code name} is admitted, {@code other} being the connection's value for the other column. */
    public boolean matches(String name, String other) {
        return all || sameUser && name.equals(other) || names.contains(name);
    }
}
