package io.pgmux.config;

import io.pgmux.config.HbaTokenizer.Token;
import io.pgmux.config.HbaTokenizer.Type;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the database or the user column of an HBA line as PgBouncer's parse_names does: a comma list of names,
 * quoted names, the keywords {@code all}, {@code sameuser} and {@code replication} (in both columns, as PgBouncer
 * reads them), and {@code @file} name lists. A {@code +group}, {@code samerole} or {@code samegroup} makes PgBouncer
 * ignore the line.
 *
 * <p>An {@code @file} is found relative to the directory of the file naming it. PgBouncer reads each of its lines as
 * one comma list from the start of the line and ignores whatever follows that list; a blank or comment-only line, or
 * a file that cannot be read, makes it ignore the HBA line.
 */
final class HbaNamesParser {
    private final String column;
    private final Consumer<String> notes;
    /** The real paths of the @files being read, innermost first, to stop a file that includes itself. */
    private final Deque<Path> reading = new ArrayDeque<>();
    private final Set<String> names = new LinkedHashSet<>();
    private boolean all;
    private boolean sameUser;
    private boolean replication;

    private HbaNamesParser(String column, Consumer<String> notes) {
        this.column = column;
        this.notes = notes;
    }

    /**
     * Reads the column starting at the current token and leaves the tokenizer after it.
     *
     * @param file the HBA file, against whose directory {@code @file} names are resolved
     * @param column "database" or "user", for messages
     * @param notes receives warnings that do not cost the line
     */
    static HbaNames parse(HbaTokenizer tokens, Path file, String column, Consumer<String> notes) throws LineSkipped {
        HbaNamesParser parser = new HbaNamesParser(column, notes);
        parser.list(tokens, file);
        return new HbaNames(parser.all, parser.sameUser, parser.replication, parser.names);
    }

    private void list(HbaTokenizer tokens, Path file) throws LineSkipped {
        do {
            element(tokens, file);
        } while (tokens.accept(Type.COMMA));
    }

    private void element(HbaTokenizer tokens, Path file) throws LineSkipped {
        Token token = tokens.current();
        String text = token.text();
        if (token.type() == Type.QUOTED) {
            names.add(text);
        } else if (token.type() != Type.WORD) {
            throw new LineSkipped("expected a " + column + " name, found " + token.describe());
        } else if (text.startsWith("+")) {
            throw new LineSkipped("group names are not supported: " + text);
        } else if (text.startsWith("@")) {
            include(file, text.substring(1));
        } else if (!keyword(text)) {
            names.add(text);
        }
        tokens.advance();
    }

    /** Records a keyword; false if the word is none. */
    private boolean keyword(String word) throws LineSkipped {
        switch (word) {
            case "all" -> all = true;
            case "sameuser" -> sameUser = true;
            case "replication" -> replication = true;
            case "samerole", "samegroup" -> throw new LineSkipped(word + " is not supported");
            default -> {
                return false;
            }
        }
        return true;
    }

    private void include(Path from, String name) throws LineSkipped {
        Path file;
        List<String> lines;
        Path real;
        try {
            file = from.resolveSibling(name);
            lines = TextLines.read(file);
            real = file.toRealPath();
        } catch (InvalidPathException | IOException e) {
            throw new LineSkipped("could not read @" + name + ": "
                    + (e instanceof IOException io ? IniReader.describe(io) : e.getMessage()));
        }
        if (reading.contains(real)) {
            throw new LineSkipped("@" + name + " includes itself");
        }
        reading.push(real);
        for (int i = 0; i < lines.size(); i++) {
            String where = "@" + name + " line " + (i + 1) + ": ";
            HbaTokenizer tokens = new HbaTokenizer(lines.get(i));
            if (tokens.current().type() == Type.END) {
                throw new LineSkipped(where + "blank and comment lines are not allowed in a name file");
            }
            try {
                list(tokens, file);
            } catch (LineSkipped e) {
                throw new LineSkipped(where + e.getMessage());
            }
            if (tokens.current().type() != Type.END) {
                notes.accept(where + "only the first comma list of a line is read; ignoring \""
                        + tokens.remainder().strip() + "\"");
            }
        }
        reading.pop();
    }
}
