package io.pgmux.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Reads {@code auth_file} (userlist.txt): {@code "user" "secret"} lines, as PgBouncer's loader does. */
public final class AuthFile {
    /** PgBouncer's MAX_USERNAME: a quoted user name this long or longer stops the reading. */
    static final int MAX_USERNAME = 128;
    /** PgBouncer's MAX_PASSWORD: a quoted secret this long or longer stops the reading. */
    static final int MAX_PASSWORD = 2048;

    private final String name;
    private final String text;
    private final Consumer<String> warnings;

    private AuthFile(String name, String text, Consumer<String> warnings) {
        this.name = name;
        this.text = text;
        this.warnings = warnings;
    }

    /** User name to secret, in file order; a later line for the same user replaces the secret. Problems are dropped. */
    public static Map<String, Secret> read(Path file) throws ConfigException {
        return read(file, warning -> { });
    }

    /**
     * User name to secret, in file order; a later line for the same user replaces the secret. Blank lines and lines
     * starting with {@code ;} are skipped, as is the rest of a line after its two quoted fields ({@code ""} inside
     * quotes is one quote). At anything else PgBouncer logs "broken auth file" and stops reading, keeping the users
     * read so far; so does this reader, reporting the place to {@code warnings}.
     *
     * @param warnings receives {@code file:line: message} where reading stopped early
     * @throws ConfigException when the file cannot be read at all (line 0)
     */
    public static Map<String, Secret> read(Path file, Consumer<String> warnings) throws ConfigException {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "could not open auth_file: " + IniReader.describe(e));
        }
        return new AuthFile(file.toString(), text, warnings).entries();
    }

    private Map<String, Secret> entries() {
        Map<String, Secret> users = new LinkedHashMap<>();
        int n = text.length();
        int p = 0;
        while (true) {
            while (p < n && IniReader.isSpace(text.charAt(p))) {
                p++;
            }
            if (p == n) {
                break;
            }
            if (text.charAt(p) == ';') {
                p = lineEnd(p);
                continue;
            }
            if (text.charAt(p) != '"') {
                return stop(users, p, "broken auth file");
            }
            int userStart = p + 1;
            int userEnd = fieldEnd(userStart);
            if (userEnd == n) {
                return stop(users, userEnd, "broken auth file");
            }
            if (userEnd - userStart >= MAX_USERNAME) {
                return stop(users, userEnd, "username too long in auth file");
            }
            int secretQuote = text.indexOf('"', userEnd + 1);
            if (secretQuote < 0) {
                return stop(users, n, "broken auth file");
            }
            int secretStart = secretQuote + 1;
            int secretEnd = fieldEnd(secretStart);
            if (secretEnd == n) {
                return stop(users, secretEnd, "broken auth file");
            }
            if (secretEnd - secretStart >= MAX_PASSWORD) {
                return stop(users, secretEnd, "password too long in auth file");
            }
            users.put(unquote(userStart, userEnd), Secret.parse(unquote(secretStart, secretEnd)));
            p = lineEnd(secretEnd + 1);
        }
        return Collections.unmodifiableMap(users);
    }

    /** The closing quote of a field starting at {@code p}, stepping over {@code ""}; the text length if none. */
    private int fieldEnd(int p) {
        int q = text.indexOf('"', p);
        while (q >= 0 && q + 1 < text.length() && text.charAt(q + 1) == '"') {
            q = text.indexOf('"', q + 2);
        }
        return q < 0 ? text.length() : q;
    }

    private String unquote(int start, int end) {
        return text.substring(start, end).replace("\"\"", "\"");
    }

    private int lineEnd(int p) {
        int nl = text.indexOf('\n', p);
        return nl < 0 ? text.length() : nl;
    }

    private Map<String, Secret> stop(Map<String, Secret> users, int at, String reason) {
        warnings.accept(name + ":" + lineOf(at) + ": " + reason + "; the rest of the file is ignored");
        return Collections.unmodifiableMap(users);
    }

    private int lineOf(int at) {
        int line = 1;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
