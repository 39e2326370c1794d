package io.pgmux.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The rules of {@code auth_hba_file}, in file order, read and matched as PgBouncer does.
 *
 * <p>PgBouncer never refuses an HBA file for its content: a line it cannot use is logged and ignored, and the
 * following lines still count. So reading fails only when the file itself cannot be read, and every bad line becomes
 * a warning {@code file:line: reason; the line is ignored}. Each physical line is one rule: a trailing backslash
 * does not continue it, {@code #} starts a comment anywhere outside quotes, and there are no {@code include}
 * directives or regular expressions.
 */
public final class HbaRules {
    private final List<HbaRule> rules;

    private HbaRules(List<HbaRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Reads the file with no ident map (so any {@code map=} line is ignored), dropping warnings. */
    public static HbaRules read(Path file) throws ConfigException {
        return read(file, IdentMap.empty(), warning -> { });
    }

    /** Reads the file with no ident map (so any {@code map=} line is ignored), as PgBouncer does without one. */
    public static HbaRules read(Path file, Consumer<String> warnings) throws ConfigException {
        return read(file, IdentMap.empty(), warnings);
    }

    /**
     * Reads the file; a {@code map=name} option must name a map of {@code identMap}, or the line is ignored.
     *
     * @param warnings receives {@code file:line: message} for each line ignored, and for rules that can never match
     *     or {@code @file} lines only partly read
     * @throws ConfigException when the file cannot be read (line 0)
     */
    public static HbaRules read(Path file, IdentMap identMap, Consumer<String> warnings) throws ConfigException {
        List<String> lines;
        try {
            lines = TextLines.read(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "could not open hba config file: " + IniReader.describe(e));
        }
        HbaLineParser parser = new HbaLineParser(file, identMap);
        List<HbaRule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String where = file + ":" + (i + 1) + ": ";
            List<String> notes = new ArrayList<>();
            try {
                parser.parse(i + 1, lines.get(i), notes::add).ifPresent(rules::add);
                notes.forEach(note -> warnings.accept(where + note));
            } catch (LineSkipped e) {
                warnings.accept(e.warning(file, i + 1, lines.get(i)));
            }
        }
        return new HbaRules(rules);
    }

    /** The rules in file order. */
    public List<HbaRule> rules() {
        return rules;
    }

    /**
     * The first rule that applies to a connection, or null when none does (the pooler then rejects the client).
     *
     * @param kind Unix socket or TCP
     * @param clientAddress the TCP peer's address; ignored, and may be null, for {@link ConnectionKind#LOCAL}
     * @param tls whether the connection uses TLS ({@code hostssl} versus {@code hostnossl})
     * @param database the database name the client asked for
     * @param user the user name the client gave
     * @param replication true for a physical replication connection ({@code replication=true}), which only rules
     *     listing {@code replication} admit; a logical one ({@code replication=database}) matches by database name
     */
    public HbaRule match(ConnectionKind kind, InetAddress clientAddress, boolean tls, String database, String user,
            boolean replication) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        if (kind == ConnectionKind.HOST && clientAddress == null) {
            throw new IllegalArgumentException("a TCP connection needs a client address");
        }
        for (HbaRule rule : rules) {
            if (rule.matches(kind, clientAddress, tls, database, user, replication)) {
                return rule;
            }
        }
        return null;
    }
}
