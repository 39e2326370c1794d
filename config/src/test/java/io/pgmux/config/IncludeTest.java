package io.pgmux.config;

import static io.pgmux.config.IniFiles.load;
import static io.pgmux.config.IniFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncludeTest {
    @TempDir
    Path dir;

    @Test
    void includedLinesContinueTheCurrentSection() throws Exception {
        Path dbs = write(dir, "dbs.ini", "; databases only", "inc = host=included", "[users]");
        Path main = write(dir, "main.ini", "[pgbouncer]", "listen_port = 7000", "[databases]",
                "first = host=a", "%include " + dbs, "bob = pool_size=3");
        PgBouncerConfig config = load(main).config();
        assertEquals(List.of("first", "inc"), List.copyOf(config.databases().keySet()));
        assertEquals("included", config.databases().get("inc").host());
        assertEquals(3, config.user("bob").orElseThrow().poolSize());
        assertEquals(7000, config.settings().integer(Setting.LISTEN_PORT));
    }

    @Test
    void includeNameMayBeIndentedAndFollowedBySpaces() throws Exception {
        Path extra = write(dir, "extra.ini", "max_client_conn = 321");
        Path main = write(dir, "main.ini", "[pgbouncer]", "  %include \t" + extra + " \t");
        assertEquals(321, load(main).config().settings().integer(Setting.MAX_CLIENT_CONN));
    }

    @Test
    void relativeIncludeIsReadFromTheCurrentDirectory() throws Exception {
        Path extra = write(dir, "extra.ini", "max_client_conn = 321");
        Path relative = Path.of("").toAbsolutePath().relativize(extra);
        Path main = write(dir, "main.ini", "[pgbouncer]", "%include " + relative);
        assertEquals(321, load(main).config().settings().integer(Setting.MAX_CLIENT_CONN));
    }

    @Test
    void relativeIncludeIsNotReadFromTheIncludingFilesDirectory() {
        write(dir, "extra.ini", "max_client_conn = 321");
        Path main = write(dir, "main.ini", "[pgbouncer]", "%include extra.ini");
        ConfigException e = assertThrows(ConfigException.class, () -> load(main));
        assertEquals(main + ":2: could not load include file \"extra.ini\": No such file or directory",
                e.getMessage());
    }

    @Test
    void errorInIncludedFileNamesThatFileAndLine() {
        Path extra = write(dir, "extra.ini", "", "pool_mode = sometimes");
        Path main = write(dir, "main.ini", "[pgbouncer]", "%include " + extra);
        ConfigException e = assertThrows(ConfigException.class, () -> load(main));
        assertEquals(extra + ":2: invalid value \"sometimes\" for parameter pool_mode:"
                + " expected one of: session, transaction, statement", e.getMessage());
    }

    @Test
    void warningInIncludedFileNamesThatFileAndLine() throws Exception {
        Path extra = write(dir, "extra.ini", "bogus = 1");
        Path main = write(dir, "main.ini", "[pgbouncer]", "%include " + extra);
        assertEquals(List.of(extra + ":1: unknown parameter: bogus"), load(main).warnings());
    }

    @Test
    void fileIncludingItselfIsACycle() {
        Path main = dir.resolve("main.ini");
        write(dir, "main.ini", "[pgbouncer]", "%include " + main);
        ConfigException e = assertThrows(ConfigException.class, () -> load(main));
        assertEquals(main + ":2: include cycle: \"" + main + "\" is already being read", e.getMessage());
    }

    @Test
    void twoFilesIncludingEachOtherAreACycle() {
        Path a = dir.resolve("a.ini");
        Path b = write(dir, "b.ini", "; b", "%include " + dir + "/./a.ini");
        write(dir, "a.ini", "[pgbouncer]", "%include " + b);
        ConfigException e = assertThrows(ConfigException.class, () -> load(a));
        assertEquals(b + ":2: include cycle: \"" + dir + "/./a.ini\" is already being read", e.getMessage());
    }

    @Test
    void tenLevelsOfIncludeAreAllowed() throws Exception {
        Path main = chain(10);
        assertEquals(10, load(main).config().settings().integer(Setting.MAX_CLIENT_CONN));
    }

    @Test
    void elevenLevelsOfIncludeAreTooDeep() {
        Path main = chain(11);
        ConfigException e = assertThrows(ConfigException.class, () -> load(main));
        assertEquals(dir.resolve("level10.ini") + ":1: include nesting level too deep", e.getMessage());
    }

    @Test
    void sameFileMayBeIncludedTwiceOneAfterTheOther() throws Exception {
        Path extra = write(dir, "extra.ini", "x = host=h");
        Path main = write(dir, "main.ini", "[pgbouncer]", "[databases]", "%include " + extra, "%include " + extra);
        assertEquals(List.of("x"), List.copyOf(load(main).config().databases().keySet()));
    }

    /** main.ini includes level1.ini, which includes level2.ini, ... down to level{depth}.ini. */
    private Path chain(int depth) {
        write(dir, "level" + depth + ".ini", "max_client_conn = " + depth);
        for (int i = depth - 1; i >= 1; i--) {
            write(dir, "level" + i + ".ini", "%include " + dir.resolve("level" + (i + 1) + ".ini"));
        }
        return write(dir, "main.ini", "[pgbouncer]", "%include " + dir.resolve("level1.ini"));
    }
}
