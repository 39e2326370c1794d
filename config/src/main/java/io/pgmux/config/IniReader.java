package io.pgmux.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** Splits pgbouncer.ini into section headers and {@code key = value} lines as PgBouncer does, following %include. */
final class IniReader {
    /** PgBouncer's MAX_INCLUDE: a file this many includes deep may not include another. */
    static final int MAX_INCLUDE_DEPTH = 10;

    private static final String INCLUDE = "%include";
    private static final String SYNTAX_ERROR = "syntax error in configuration";

    /** Receives what the reader finds, with the file name (as given) and 1-based line. */
    interface Handler {
        void section(String name, String file, int line) throws ConfigException;

        void entry(String key, String value, String file, int line) throws ConfigException;
    }

    private final Handler handler;
    private final Deque<Path> reading = new ArrayDeque<>();

    private IniReader(Handler handler) {
        this.handler = handler;
    }

    /**
     * Reads {@code file} and everything it includes; a missing main file is reported at line 0. Include paths are
     * relative to the current directory, nest at most {@value #MAX_INCLUDE_DEPTH} deep and may not form a cycle.
     */
    static void read(Path file, Handler handler) throws ConfigException {
        String text;
        try {
            text = load(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "could not load file: " + describe(e));
        }
        new IniReader(handler).readText(file, text, 0);
    }

    private void readText(Path file, String text, int depth) throws ConfigException {
        reading.push(identity(file));
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            readLine(file.toString(), lines[i], i + 1, depth);
        }
        reading.pop();
    }

    private void readLine(String file, String line, int lineNo, int depth) throws ConfigException {
        int i = skip(line, 0, true);
        if (i == line.length()) {
            return;
        }
        if (line.startsWith(INCLUDE, i) && line.length() > i + INCLUDE.length()
                && isBlank(line.charAt(i + INCLUDE.length()))) {
            String target = trimEnd(line.substring(skip(line, i + INCLUDE.length(), false)));
            include(file, lineNo, target, depth);
            return;
        }
        char c = line.charAt(i);
        if (c == '#' || c == ';') {
            return;
        }
        if (c == '[') {
            int close = line.indexOf(']', i + 1);
            if (close < 0) {
                throw new ConfigException(file, lineNo, SYNTAX_ERROR);
            }
            handler.section(line.substring(i + 1, close), file, lineNo);
            readLine(file, line.substring(close + 1), lineNo, depth);
            return;
        }
        StringBuilder key = new StringBuilder();
        int p = readKey(line, i, key);
        if (p < 0 || key.length() == 0) {
            throw new ConfigException(file, lineNo, SYNTAX_ERROR);
        }
        p = skip(line, p, false);
        if (p == line.length() || line.charAt(p) != '=') {
            throw new ConfigException(file, lineNo, SYNTAX_ERROR);
        }
        p = skip(line, p + 1, false);
        handler.entry(key.toString(), trimEnd(line.substring(p)), file, lineNo);
    }

    /**
     * Reads a key starting at {@code i} into {@code key}: {@code 'single quoted'} (no escapes, as PgBouncer),
     * {@code "SQL quoted"} with {@code ""} for a quote (as PgBouncer's documentation promises for database names),
     * or the characters {@code A-Za-z0-9_.-*}. Returns the position after it, or -1 for an unterminated quote.
     */
    private static int readKey(String line, int i, StringBuilder key) {
        char c = line.charAt(i);
        if (c == '\'') {
            int close = line.indexOf('\'', i + 1);
            if (close < 0) {
                return -1;
            }
            key.append(line, i + 1, close);
            return close + 1;
        }
        if (c == '"') {
            int p = i + 1;
            while (p < line.length()) {
                char q = line.charAt(p);
                if (q == '"') {
                    if (p + 1 < line.length() && line.charAt(p + 1) == '"') {
                        key.append('"');
                        p += 2;
                        continue;
                    }
                    return p + 1;
                }
                key.append(q);
                p++;
            }
            return -1;
        }
        int p = i;
        while (p < line.length() && isKeyChar(line.charAt(p))) {
            p++;
        }
        key.append(line, i, p);
        return p;
    }

    private void include(String file, int lineNo, String target, int depth) throws ConfigException {
        Path path;
        try {
            path = Path.of(target);
        } catch (InvalidPathException e) {
            throw new ConfigException(file, lineNo, "invalid include file name \"" + target + "\"");
        }
        if (reading.contains(identity(path))) {
            throw new ConfigException(file, lineNo, "include cycle: \"" + target + "\" is already being read");
        }
        if (depth >= MAX_INCLUDE_DEPTH) {
            throw new ConfigException(file, lineNo, "include nesting level too deep");
        }
        String text;
        try {
            text = load(path);
        } catch (IOException e) {
            throw new ConfigException(file, lineNo, "could not load include file \"" + target + "\": " + describe(e));
        }
        readText(path, text, depth + 1);
    }

    private static String load(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** The file a path names, so that two spellings of one file are seen as the same when looking for cycles. */
    private static Path identity(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    /** A short reason for a failed read, worded as C's strerror where there is one. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Skips C {@code isspace} characters (or only blanks: space and tab) from {@code i}. */
    private static int skip(String s, int i, boolean anySpace) {
        while (i < s.length() && (anySpace ? isSpace(s.charAt(i)) : isBlank(s.charAt(i)))) {
            i++;
        }
        return i;
    }

    private static String trimEnd(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    /** C's {@code isspace} in the C locale. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isKeyChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "_.-*".indexOf(c) >= 0;
    }
}
