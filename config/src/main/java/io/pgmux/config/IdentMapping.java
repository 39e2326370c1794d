package io.pgmux.config;

import io.pgmux.config.HbaTokenizer.Token;
import io.pgmux.config.HbaTokenizer.Type;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One line of an ident file, {@code map system-user database-user}, as PgBouncer reads it: the map name is an unquoted
 * word, the user names are words or quoted strings taken literally, and an unquoted {@code all} admits every database
 * user.
 *
 * @param map the map name
 * @param systemUser the operating-system user (peer) or certificate name (cert)
 * @param databaseUser the database user it may log in as; empty for {@code all}
 */
record IdentMapping(String map, String systemUser, Optional<String> databaseUser) {
    /**
     * The mapping on a line; empty for a blank or comment line.
     *
     * @throws LineSkipped where PgBouncer ignores the line
     */
    static Optional<IdentMapping> parse(String line) throws LineSkipped {
        HbaTokenizer tokens = new HbaTokenizer(line);
        Token map = tokens.current();
        if (map.type() == Type.END) {
            return Optional.empty();
        }
        if (map.type() != Type.WORD) {
            throw new LineSkipped("expected a map name, found " + map.describe());
        }
        tokens.advance();
        Token system = tokens.current();
        if (!system.isName()) {
            throw new LineSkipped("expected a system user name, found " + system.describe());
        }
        tokens.advance();
        Token database = tokens.current();
        if (!database.isName()) {
            throw new LineSkipped("expected a database user name, found " + database.describe());
        }
        tokens.advance();
        if (tokens.current().type() != Type.END) {
            throw new LineSkipped("unsupported parameters: " + tokens.remainder().strip());
        }
        Optional<String> databaseUser = database.isWord("all") ? Optional.empty() : Optional.of(database.text());
        return Optional.of(new IdentMapping(map.text(), system.text(), databaseUser));
    }

    boolean allows(String mapName, Predicate<String> isSystemUser, String database) {
        return map.equals(mapName) && isSystemUser.test(systemUser) && databaseUser.map(database::equals).orElse(true);
    }
}
