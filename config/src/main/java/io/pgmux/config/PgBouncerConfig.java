package io.pgmux.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A whole pgbouncer.ini, immutable: reload builds a new one.
 *
 * @param file      the main file (relative paths such as auth_file are read as PgBouncer does, from the CWD)
 * @param settings  the {@code [pgbouncer]} section
 * @param databases {@code [databases]} in file order, the {@code *} fallback included when present
 * @param users     {@code [users]} in file order
 * @param peers     {@code [peers]} by peer id
 */
public record PgBouncerConfig(
        Path file,
        Settings settings,
        Map<String, DatabaseEntry> databases,
        Map<String, UserEntry> users,
        Map<Integer, PeerEntry> peers) {

    /** The admin console's database name, which {@code [databases]} may not use. */
    public static final String ADMIN_DATABASE = "pgbouncer";

    /** The entry a client's database name maps to: its own line, else the {@code *} fallback, else none. */
    public Optional<DatabaseEntry> database(String name) {
        DatabaseEntry exact = databases.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        DatabaseEntry fallback = databases.get(DatabaseEntry.FALLBACK);
        return fallback == null ? Optional.empty() : Optional.of(fallback.forDatabase(name));
    }

    /** This config with other {@code [pgbouncer]} values (SET, RELOAD), its sections kept. */
    public PgBouncerConfig withSettings(Settings newSettings) {
        return new PgBouncerConfig(file, newSettings, databases, users, peers);
    }

    /** The user's {@code [users]} line, if any. */
    public Optional<UserEntry> user(String name) {
        return Optional.ofNullable(users.get(name));
    }
}
