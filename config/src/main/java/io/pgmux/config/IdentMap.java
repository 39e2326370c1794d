package io.pgmux.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The user name maps of {@code auth_ident_file}, for {@code map=} on {@code cert} and {@code peer} HBA rules. Only
 * {@code map system-user database-user} lines, as PgBouncer reads them: no regular expressions, no {@code +group},
 * no includes. A line PgBouncer cannot use is logged and ignored; reading fails only when the file cannot be read.
 */
public final class IdentMap {
    private static final IdentMap EMPTY = new IdentMap(List.of());

    private final List<IdentMapping> mappings;

    private IdentMap(List<IdentMapping> mappings) {
        this.mappings = List.copyOf(mappings);
    }

    /** No maps: what PgBouncer has when {@code auth_ident_file} is not set. */
    public static IdentMap empty() {
        return EMPTY;
    }

    /** Reads the file, dropping warnings. */
    public static IdentMap read(Path file) throws ConfigException {
        return read(file, warning -> { });
    }

    /**
     * Reads the file.
     *
     * @param warnings receives {@code file:line: reason; the line is ignored} for each line PgBouncer would ignore
     * @throws ConfigException when the file cannot be read (line 0)
     */
    public static IdentMap read(Path file, Consumer<String> warnings) throws ConfigException {
        List<String> lines;
        try {
            lines = TextLines.read(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "could not open ident config file: " + IniReader.describe(e));
        }
        List<IdentMapping> mappings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            try {
                IdentMapping.parse(lines.get(i)).ifPresent(mappings::add);
            } catch (LineSkipped e) {
                warnings.accept(e.warning(file, i + 1, lines.get(i)));
            }
        }
        return new IdentMap(mappings);
    }

    /** Whether some line defines this map. */
    public boolean contains(String mapName) {
        return mappings.stream().anyMatch(m -> m.map().equals(mapName));
    }

    /**
     * Whether the map lets this system user (peer credential) log in as this database user: some line of the map
     * names the system user and either the database user or {@code all}.
     */
    public boolean allows(String mapName, String systemUser, String databaseUser) {
        return allows(mapName, systemUser::equals, databaseUser);
    }

    /**
     * Whether some line of the map whose system user passes the test names the database user or {@code all}. For
     * {@code cert}, PgBouncer tests each line's system user against the client certificate (subject alternative
     * names, else common name), so the test is "the certificate holds this name".
     */
    public boolean allows(String mapName, Predicate<String> isSystemUser, String databaseUser) {
        return mappings.stream().anyMatch(m -> m.allows(mapName, isSystemUser, databaseUser));
    }
}
