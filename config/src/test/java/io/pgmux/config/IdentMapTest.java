package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentMapTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private IdentMap read(String... lines) throws ConfigException {
        return IdentMap.read(IniFiles.write(dir, "ident.conf", lines), warnings::add);
    }

    private String ident() {
        return dir.resolve("ident.conf").toString();
    }

    @Test
    void mapsSystemUsersToDatabaseUsers() throws Exception {
        IdentMap map = read(
                "# MAPNAME  SYSTEM-USERNAME     PG-USERNAME",
                "mymap      alice               postgres",
                "mymap      alice               someuser",
                "mymap      bob                 bob",
                "other      carol               postgres");
        assertEquals(List.of(), warnings);
        assertTrue(map.allows("mymap", "alice", "postgres"));
        assertTrue(map.allows("mymap", "alice", "someuser"));
        assertTrue(map.allows("mymap", "bob", "bob"));
        assertFalse(map.allows("mymap", "alice", "bob"));
        assertFalse(map.allows("mymap", "bob", "postgres"));
        assertFalse(map.allows("mymap", "carol", "postgres"), "carol is only in map other");
        assertTrue(map.allows("other", "carol", "postgres"));
        assertFalse(map.allows("nosuchmap", "alice", "postgres"));
        assertFalse(map.allows("mymap", "Alice", "postgres"), "names are case-sensitive");
    }

    @Test
    void allAdmitsEveryDatabaseUserButQuotedAllIsAName() throws Exception {
        IdentMap map = read("m1 bouncer all", "m2 bouncer \"all\"");
        assertTrue(map.allows("m1", "bouncer", "anyone"));
        assertFalse(map.allows("m1", "other", "anyone"));
        assertFalse(map.allows("m2", "bouncer", "anyone"));
        assertTrue(map.allows("m2", "bouncer", "all"));
    }

    @Test
    void quotedNamesAreTakenLiterally() throws Exception {
        IdentMap map = read("certs \"CN=app, O=Acme\" \"app\"\"user\"", "regex /^(.*)$ \\1", "group sys +admins");
        assertEquals(List.of(), warnings);
        assertTrue(map.allows("certs", "CN=app, O=Acme", "app\"user"));
        assertTrue(map.allows("regex", "/^(.*)$", "\\1"), "no regular expressions");
        assertFalse(map.allows("regex", "anything", "anything"));
        assertTrue(map.allows("group", "sys", "+admins"), "no groups");
    }

    @Test
    void systemUserTestPicksTheLinesThatApply() throws Exception {
        IdentMap map = read("certs client.example.org app", "certs other.example.org all");
        Set<String> certificateNames = Set.of("client.example.org", "alt.example.org");
        assertTrue(map.allows("certs", certificateNames::contains, "app"));
        assertFalse(map.allows("certs", certificateNames::contains, "postgres"));
        assertTrue(map.allows("certs", "other.example.org"::equals, "postgres"));
        assertFalse(map.allows("other", certificateNames::contains, "app"));
    }

    @Test
    void containsKnowsTheMapNames() throws Exception {
        IdentMap map = read("a x y", "b x y");
        assertTrue(map.contains("a"));
        assertTrue(map.contains("b"));
        assertFalse(map.contains("c"));
        assertFalse(IdentMap.empty().contains("a"));
        assertFalse(IdentMap.empty().allows("a", "x", "y"));
    }

    @Test
    void commentsBlankLinesAndWhiteSpace() throws Exception {
        IdentMap map = read("", "   ", "\t# note", "m\tsys\tdb # trailing\r", "n sys2 db2#glued");
        assertEquals(List.of(), warnings);
        assertTrue(map.allows("m", "sys", "db"));
        assertTrue(map.allows("n", "sys2", "db2"));
    }

    @Test
    void malformedLinesAreIgnoredWithTheirPlaceAndTheRestIsRead() throws Exception {
        IdentMap map = read(
                "\"quoted map\" sys db",
                "m sys",
                "m",
                "m sys db extra",
                "m sys all extra",
                "m sys,other db",
                "m \"sys db",
                "m sys db",
                "include_dir ident.d");
        assertTrue(map.allows("m", "sys", "db"));
        assertFalse(map.allows("m", "sys", "other"));
        assertEquals(List.of(
                ident() + ":1: expected a map name, found quoted \"quoted map\"; the line is ignored",
                ident() + ":2: expected a database user name, found end of line; the line is ignored",
                ident() + ":3: expected a system user name, found end of line; the line is ignored",
                ident() + ":4: unsupported parameters: extra; the line is ignored",
                ident() + ":5: unsupported parameters: extra; the line is ignored",
                ident() + ":6: expected a database user name, found \",\"; the line is ignored",
                ident() + ":7: expected a system user name, found unterminated quoted string; the line is ignored",
                ident() + ":9: expected a database user name, found end of line; the line is ignored"), warnings);
    }

    @Test
    void readWithoutWarningsGivesTheSameMap() throws Exception {
        Path file = IniFiles.write(dir, "ident.conf", "m sys db", "broken");
        IdentMap map = IdentMap.read(file);
        assertTrue(map.allows("m", "sys", "db"));
    }

    @Test
    void unreadableFileIsAConfigError() {
        Path missing = dir.resolve("nope.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> IdentMap.read(missing));
        assertEquals(0, e.line());
        assertEquals(missing + ": could not open ident config file: No such file or directory", e.getMessage());
    }

    @Test
    void hbaRuleNamesAMapThatDecidesTheLogin() throws Exception {
        IdentMap map = read("certmap client.example.org app", "certmap client.example.org reporting");
        Path hba = IniFiles.write(dir, "pg_hba.conf", "hostssl all all all cert map=certmap");
        HbaRule rule = HbaRules.read(hba, map, warnings::add)
                .match(ConnectionKind.HOST, HbaRulesMatchTest.ip("10.0.0.1"), true, "db", "app", false);
        String mapName = rule.options().map().orElseThrow();
        assertTrue(map.allows(mapName, "client.example.org", "app"));
        assertFalse(map.allows(mapName, "client.example.org", "postgres"));
        assertFalse(map.allows(mapName, "evil.example.org", "app"));
    }
}
