package io.pgmux.admin;

import io.pgmux.admin.show.Column;
import io.pgmux.admin.show.PgType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PgBouncer 1.25.2's SHOW columns, fixed rows and fake parameters, read from the transcription in test resources. */
public final class PgBouncerShowData {
    private static final String RESOURCE = "pgbouncer-1.25.2-show.txt";

    private final Map<String, List<Column>> columns = new LinkedHashMap<>();
    private final Map<String, List<String>> rows = new LinkedHashMap<>();
    private final Map<String, String> parameters = new LinkedHashMap<>();

    private PgBouncerShowData() {
    }

    /** Reads the transcription. */
    public static PgBouncerShowData load() {
        PgBouncerShowData data = new PgBouncerShowData();
        try (InputStream in = PgBouncerShowData.class.getResourceAsStream(RESOURCE);
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                data.read(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return data;
    }

    private void read(String line) {
        if (line.isBlank() || line.startsWith("#")) {
            return;
        }
        String[] words = line.split(" ");
        switch (words[0]) {
            case "columns" -> columns.put(words[1], columns(words[2], Arrays.asList(words).subList(3, words.length)));
            case "rows" -> rows.put(words[1], List.of(words).subList(2, words.length));
            case "parameter" -> parameters.put(words[1], line.substring(line.indexOf(words[1]) + words[1].length() + 1));
            default -> throw new IllegalArgumentException("bad line: " + line);
        }
    }

    private static List<Column> columns(String tupdesc, List<String> names) {
        if (tupdesc.length() != names.size()) {
            throw new IllegalArgumentException(tupdesc + " does not fit " + names);
        }
        List<Column> result = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            result.add(new Column(names.get(i), type(tupdesc.charAt(i))));
        }
        return result;
    }

    /** pktbuf.c's mapping of tupdesc letters to RowDescription types; {@code T} is sent as text. */
    private static PgType type(char letter) {
        return switch (letter) {
            case 's', 'T' -> PgType.TEXT;
            case 'i' -> PgType.INT4;
            case 'q' -> PgType.INT8;
            case 'N' -> PgType.NUMERIC;
            case 'b' -> PgType.BYTEA;
            default -> throw new IllegalArgumentException("unknown tupdesc letter " + letter);
        };
    }

    /** SHOW word → its columns. */
    public Map<String, List<Column>> columns() {
        return columns;
    }

    /** SHOW word → the first cell of each of its fixed rows. */
    public Map<String, List<String>> rows() {
        return rows;
    }

    /** Fake parameter name → value. */
    public Map<String, String> parameters() {
        return parameters;
    }
}
