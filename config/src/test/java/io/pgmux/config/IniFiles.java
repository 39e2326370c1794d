package io.pgmux.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes test config files and loads them, collecting warnings. */
final class IniFiles {
    private IniFiles() {
    }

    /** Writes the lines, each ending in a newline, to {@code dir/name}. */
    static Path write(Path dir, String name, String... lines) {
        Path file = dir.resolve(name);
        try {
            Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The outcome of a successful load. */
    record Loaded(PgBouncerConfig config, List<String> warnings) {
    }

    static Loaded load(Path file) throws ConfigException {
        List<String> warnings = new ArrayList<>();
        PgBouncerConfig config = ConfigLoader.load(file, warnings::add);
        return new Loaded(config, warnings);
    }
}
