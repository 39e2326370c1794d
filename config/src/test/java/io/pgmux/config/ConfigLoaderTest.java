package io.pgmux.config;

import static io.pgmux.config.IniFiles.load;
import static io.pgmux.config.IniFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void fixtureWithEverySectionLoads() throws Exception {
        Path file = Path.of(getClass().getResource("/ini/full.ini").toURI());
        IniFiles.Loaded loaded = load(file);
        PgBouncerConfig config = loaded.config();
        assertEquals(List.of(), loaded.warnings());
        assertEquals(file, config.file());

        Settings s = config.settings();
        assertEquals(List.of("127.0.0.1", "::1"), s.list(Setting.LISTEN_ADDR));
        assertEquals(6433, s.integer(Setting.LISTEN_PORT));
        assertEquals(AuthType.SCRAM_SHA_256, s.authType());
        assertEquals("/etc/pgbouncer/userlist.txt", s.string(Setting.AUTH_FILE));
        assertEquals(List.of("admin", "ops"), s.list(Setting.ADMIN_USERS));
        assertEquals("DISCARD ALL # not a comment: ';' and '#' only start comments at the start of a line",
                s.string(Setting.SERVER_RESET_QUERY));
        assertEquals("", s.string(Setting.LOGFILE));
        assertEquals(Duration.ofMillis(1500), s.duration(Setting.SERVER_IDLE_TIMEOUT));
        assertEquals(Duration.ofMinutes(2), s.duration(Setting.QUERY_TIMEOUT));
        assertEquals("epoll", s.word(Setting.TRANSPORT));
        assertEquals(100, s.integer(Setting.MAX_CLIENT_CONN));
        assertEquals(PoolMode.SESSION, s.poolMode());

        assertEquals(List.of("main", "analytics", "my db", "dotted.name", "*"),
                List.copyOf(config.databases().keySet()));
        DatabaseEntry main = config.databases().get("main");
        assertEquals("db1.example.com", main.host());
        assertEquals(5433, main.port());
        assertEquals("app", main.serverDbname());
        assertEquals("appuser", main.user());
        assertEquals("p@ss word", main.password());
        assertEquals(30, main.poolSize());
        assertEquals(PoolMode.TRANSACTION, main.poolMode());
        DatabaseEntry analytics = config.databases().get("analytics");
        assertEquals("/var/run/postgresql", analytics.host());
        assertEquals(5432, analytics.port());
        assertEquals("analytics", analytics.serverDbname());
        assertEquals("SET search_path = 'reporting', public", analytics.connectQuery());
        assertEquals("pgmux-analytics", analytics.applicationName());
        assertEquals("disable", config.databases().get("my db").loadBalanceHosts());
        assertEquals("dotted", config.databases().get("dotted.name").dbname());

        UserEntry alice = config.user("alice").orElseThrow();
        assertEquals(PoolMode.STATEMENT, alice.poolMode());
        assertEquals(5, alice.maxUserConnections());
        assertEquals(Duration.ofSeconds(30), alice.queryTimeout());

        assertEquals(new PeerEntry(1, "peer1.example.com", 6432, -1), config.peers().get(1));
        assertEquals(new PeerEntry(2, "/tmp/pgbouncer-2", 5555, 4), config.peers().get(2));
    }

    @Test
    void blankLinesCommentsAndCrLfAreSkipped() throws Exception {
        Path file = dir.resolve("crlf.ini");
        Files.writeString(file, "\r\n;c\r\n\t# c\r\n[pgbouncer]\r\nlisten_port = 7000 \r\n\r\n"
                + "  pool_mode=transaction\r\n", StandardCharsets.UTF_8);
        Settings s = load(file).config().settings();
        assertEquals(7000, s.integer(Setting.LISTEN_PORT));
        assertEquals(PoolMode.TRANSACTION, s.poolMode());
    }

    @Test
    void sectionHeadersIgnoreCaseAndMayBeFollowedByAComment() throws Exception {
        Path file = write(dir, "a.ini", "[PGBOUNCER] ; main", "pool_mode = statement", "[Databases]", "x = host=h");
        PgBouncerConfig config = load(file).config();
        assertEquals(PoolMode.STATEMENT, config.settings().poolMode());
        assertEquals("h", config.databases().get("x").host());
    }

    @Test
    void keysAreCaseInsensitiveAndLastValueWins() throws Exception {
        Path file = write(dir, "a.ini", "[pgbouncer]", "Max_Client_Conn = 10", "max_client_conn = 20");
        assertEquals(20, load(file).config().settings().integer(Setting.MAX_CLIENT_CONN));
    }

    @Test
    void unknownKeyIsAWarningAndLoadingGoesOn() throws Exception {
        Path file = write(dir, "a.ini", "[pgbouncer]", "listen_port = 7000", "no_such_key = 1",
                "pool_mode = statement");
        IniFiles.Loaded loaded = load(file);
        assertEquals(List.of(file + ":3: unknown parameter: no_such_key"), loaded.warnings());
        assertEquals(7000, loaded.config().settings().integer(Setting.LISTEN_PORT));
        assertEquals(PoolMode.STATEMENT, loaded.config().settings().poolMode());
    }

    @Test
    void unknownSectionIsAWarningAndItsLinesAreIgnored() throws Exception {
        Path file = write(dir, "a.ini", "[pgbouncer]", "[extras]", "anything = at all", "[pgbouncer]",
                "listen_port = 7000");
        IniFiles.Loaded loaded = load(file);
        assertEquals(List.of(file + ":2: unknown section [extras], its lines are ignored"), loaded.warnings());
        assertEquals(7000, loaded.config().settings().integer(Setting.LISTEN_PORT));
    }

    @Test
    void invalidValueIsAnErrorWithFileAndLine() {
        Path file = write(dir, "a.ini", "[pgbouncer]", "", "listen_port = sixty");
        ConfigException e = assertThrows(ConfigException.class, () -> load(file));
        assertEquals(file + ":3: invalid value \"sixty\" for parameter listen_port: not an integer", e.getMessage());
        assertEquals(file.toString(), e.file());
        assertEquals(3, e.line());
        assertEquals("invalid value \"sixty\" for parameter listen_port: not an integer", e.reason());
    }

    @Test
    void invalidTimeUnitIsAnError() {
        Path file = write(dir, "a.ini", "[pgbouncer]", "query_timeout = 5 fortnights");
        ConfigException e = assertThrows(ConfigException.class, () -> load(file));
        assertEquals(file + ":2: invalid value \"5 fortnights\" for parameter query_timeout:"
                + " unknown time unit \"fortnights\" (expected us, ms, s, min, h, d)", e.getMessage());
    }

    @Test
    void invalidBoolIsAnError() {
        Path file = write(dir, "a.ini", "[pgbouncer]", "so_reuseport = perhaps");
        ConfigException e = assertThrows(ConfigException.class, () -> load(file));
        assertEquals(file + ":2: invalid value \"perhaps\" for parameter so_reuseport:"
                + " not a boolean (expected 0/1, yes/no, on/off, true/false)", e.getMessage());
    }

    @Test
    void valueBeforeAnySectionIsAnError() {
        Path file = write(dir, "a.ini", "; header", "listen_port = 1", "[pgbouncer]");
        ConfigException e = assertThrows(ConfigException.class, () -> load(file));
        assertEquals(file + ":2: value without section: listen_port", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"listen_port 6432", "[pgbouncer", "listen_port: 6432", "'quoted = 1", "\"quoted = 1",
        "= 5", "%includefile", "[pgbouncer] junk", "%", "list en = 1"})
    void malformedLinesAreSyntaxErrors(String line) {
        Path file = write(dir, "a.ini", "[pgbouncer]", "pool_mode = session", line);
        ConfigException e = assertThrows(ConfigException.class, () -> load(file));
        assertEquals(file + ":3: syntax error in configuration", e.getMessage());
    }

    @Test
    void missingMainFileIsReportedAtLineZero() {
        Path file = dir.resolve("absent.ini");
        ConfigException e = assertThrows(ConfigException.class, () -> load(file));
        assertEquals(file + ": could not load file: No such file or directory", e.getMessage());
        assertEquals(0, e.line());
    }

    @Test
    void directoryAsMainFileIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(dir));
        assertEquals(0, e.line());
        assertTrue(e.getMessage().startsWith(dir + ": could not load file: "), e.getMessage());
    }

    @Test
    void fileWithoutPgbouncerSectionIsAnError() {
        Path file = write(dir, "a.ini", "[databases]", "x = host=h");
        ConfigException e = assertThrows(ConfigException.class, () -> load(file));
        assertEquals(file + ": main section [pgbouncer] missing from config file", e.getMessage());
    }

    @Test
    void secondPgbouncerSectionResetsKeysWithDefaultsAsPgBouncerDoes() throws Exception {
        Path file = write(dir, "a.ini", "[pgbouncer]", "listen_port = 7000", "auth_file = users.txt",
                "pool_mode = statement", "[databases]", "[pgbouncer]", "max_client_conn = 5");
        IniFiles.Loaded loaded = load(file);
        Settings s = loaded.config().settings();
        assertEquals(6432, s.integer(Setting.LISTEN_PORT));
        assertEquals(PoolMode.SESSION, s.poolMode());
        assertEquals("users.txt", s.string(Setting.AUTH_FILE));
        assertEquals(5, s.integer(Setting.MAX_CLIENT_CONN));
        assertEquals(List.of(file + ":6: another [pgbouncer] section resets earlier values to defaults"
                + " (as PgBouncer does): listen_port, pool_mode"), loaded.warnings());
    }

    @Test
    void conffileIsTheMainFileUnlessGiven() throws Exception {
        Path file = write(dir, "a.ini", "[pgbouncer]");
        assertEquals(file.toString(), load(file).config().settings().show(Setting.CONFFILE));
        Path other = write(dir, "b.ini", "[pgbouncer]", "conffile = /etc/next.ini");
        assertEquals("/etc/next.ini", load(other).config().settings().show(Setting.CONFFILE));
    }

    @Test
    void emptyValuesAreAllowed() throws Exception {
        Path file = write(dir, "a.ini", "[pgbouncer]", "server_reset_query =", "listen_addr=", "unix_socket_dir =   ");
        Settings s = load(file).config().settings();
        assertEquals("", s.string(Setting.SERVER_RESET_QUERY));
        assertEquals(List.of(), s.list(Setting.LISTEN_ADDR));
        assertEquals("", s.string(Setting.UNIX_SOCKET_DIR));
    }
}
