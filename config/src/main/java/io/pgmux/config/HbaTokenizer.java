package io.pgmux.config;

import java.util.Optional;

/**
 * Splits one line of an HBA or ident file into tokens as PgBouncer's hba.c does: white space separates, a comma is
 * a token of its own, {@code #} outside quotes ends the line, and a double-quoted string ({@code ""} inside is one
 * quote) is a token even when it touches a word, since an unquoted word ends at white space, {@code ,}, {@code #} or
 * {@code "}.
 */
final class HbaTokenizer {
    /** What a token is. */
    enum Type {
        /** Unquoted text: a keyword, a name, an address, a method or an option. */
        WORD,
        /** A double-quoted string: always a plain name, never a keyword. */
        QUOTED,
        COMMA,
        /** The end of the line or a comment. */
        END,
        /** A quoted string with no closing quote; nothing after it is read. */
        BAD
    }

    /** One token; the text is the word or the unquoted string, and empty for the other types. */
    record Token(Type type, String text) {
        boolean isWord(String word) {
            return type == Type.WORD && text.equals(word);
        }

        /** The text of an unquoted word; empty for other tokens. */
        Optional<String> word() {
            return type == Type.WORD ? Optional.of(text) : Optional.empty();
        }

        boolean isName() {
            return type == Type.WORD || type == Type.QUOTED;
        }

        /** The token as a warning shows it. */
        String describe() {
            return switch (type) {
                case WORD -> "\"" + text + "\"";
                case QUOTED -> "quoted \"" + text + "\"";
                case COMMA -> "\",\"";
                case END -> "end of line";
                case BAD -> "unterminated quoted string";
            };
        }
    }

    private static final Token COMMA = new Token(Type.COMMA, "");
    private static final Token END = new Token(Type.END, "");
    private static final Token BAD = new Token(Type.BAD, "");

    private final String line;
    /** Where the current token starts. */
    private int start;
    /** Just past the current token. */
    private int pos;
    private Token current;

    HbaTokenizer(String line) {
        this.line = line;
        advance();
    }

    Token current() {
        return current;
    }

    /** Moves to the next token; at {@link Type#END} or {@link Type#BAD} the tokenizer stays put. */
    void advance() {
        if (current == END || current == BAD) {
            return;
        }
        while (pos < line.length() && IniReader.isSpace(line.charAt(pos))) {
            pos++;
        }
        start = pos;
        if (pos == line.length() || line.charAt(pos) == '#') {
            current = END;
            pos = line.length();
        } else if (line.charAt(pos) == ',') {
            current = COMMA;
            pos++;
        } else if (line.charAt(pos) == '"') {
            quoted();
        } else {
            int end = pos + 1;
            while (end < line.length() && !endsWord(line.charAt(end))) {
                end++;
            }
            current = new Token(Type.WORD, line.substring(pos, end));
            pos = end;
        }
    }

    /** Moves past the current token if it has this type. */
    boolean accept(Type type) {
        if (current.type() == type) {
            advance();
            return true;
        }
        return false;
    }

    /** Moves past the current token if it is this unquoted word. */
    boolean acceptWord(String word) {
        if (current.isWord(word)) {
            advance();
            return true;
        }
        return false;
    }

    /** The raw text from the start of the current token (for {@link Type#END}: the comment, if any). */
    String remainder() {
        return line.substring(start);
    }

    /** Treats the rest of the line as read. */
    void skipToEnd() {
        current = END;
        pos = line.length();
    }

    private void quoted() {
        StringBuilder text = new StringBuilder();
        for (int i = pos + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '"') {
                text.append(c);
            } else if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                text.append('"');
                i++;
            } else {
                current = new Token(Type.QUOTED, text.toString());
                pos = i + 1;
                return;
            }
        }
        current = BAD;
    }

    private static boolean endsWord(char c) {
        return c == ',' || c == '#' || c == '"' || IniReader.isSpace(c);
    }
}
