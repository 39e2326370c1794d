package io.pgmux.config;

import static io.pgmux.config.IniFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthFileTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private Map<String, Secret> read(String... lines) throws ConfigException {
        return AuthFile.read(write(dir, "userlist.txt", lines), warnings::add);
    }

    @Test
    void fixtureGivesEveryKindOfSecretInFileOrder() throws Exception {
        Path file = Path.of(getClass().getResource("/ini/userlist.txt").toURI());
        Map<String, Secret> users = AuthFile.read(file, warnings::add);
        assertEquals(List.of("plainuser", "admin", "scramuser", "indented", "quote\"d"), List.copyOf(users.keySet()));
        assertEquals(new Secret.Plain("plain password"), users.get("plainuser"));
        assertEquals(new Secret.Md5(SecretTest.ADMIN_MD5), users.get("admin"));
        Secret.Scram scram = assertInstanceOf(Secret.Scram.class, users.get("scramuser"));
        assertEquals(SecretTest.PENCIL_SCRAM, scram.text());
        assertEquals(new Secret.Plain("pw"), users.get("indented"));
        assertEquals(new Secret.Plain("pa\"ss"), users.get("quote\"d"));
        assertEquals(List.of(), warnings);
        assertEquals(users, AuthFile.read(file));
    }

    @Test
    void laterLineForTheSameUserReplacesTheSecret() throws Exception {
        Map<String, Secret> users = read("\"a\" \"1\"", "\"b\" \"2\"", "\"a\" \"3\"");
        assertEquals(List.of("a", "b"), List.copyOf(users.keySet()));
        assertEquals(new Secret.Plain("3"), users.get("a"));
    }

    @Test
    void emptySecretIsAllowed() throws Exception {
        assertEquals(Map.of("nopw", new Secret.Plain("")), read("\"nopw\" \"\""));
    }

    @Test
    void anyTextBetweenTheFieldsIsSkippedAsPgBouncerDoes() throws Exception {
        assertEquals(Map.of("u", new Secret.Plain("p")), read("\"u\" junk \"p\""));
    }

    @Test
    void lineNotStartingWithAQuoteStopsTheReadingAndKeepsEarlierUsers() throws Exception {
        Map<String, Secret> users = read("\"a\" \"1\"", "; fine", "# not a comment in an auth file", "\"b\" \"2\"");
        assertEquals(Map.of("a", new Secret.Plain("1")), users);
        assertEquals(List.of(dir.resolve("userlist.txt")
                + ":3: broken auth file; the rest of the file is ignored"), warnings);
    }

    @Test
    void userWithoutSecretStopsTheReading() throws Exception {
        assertEquals(Map.of(), read("\"lonely\""));
        assertEquals(List.of(dir.resolve("userlist.txt") + ":2: broken auth file; the rest of the file is ignored"),
                warnings);
    }

    @Test
    void unterminatedSecretStopsTheReading() throws Exception {
        assertEquals(Map.of("a", new Secret.Plain("1")), read("\"a\" \"1\"", "\"b\" \"2"));
        assertEquals(List.of(dir.resolve("userlist.txt") + ":3: broken auth file; the rest of the file is ignored"),
                warnings);
    }

    @Test
    void userNameOf128CharactersStopsTheReading() throws Exception {
        String ok = "u".repeat(AuthFile.MAX_USERNAME - 1);
        String tooLong = "v".repeat(AuthFile.MAX_USERNAME);
        Map<String, Secret> users = read("\"" + ok + "\" \"1\"", "\"" + tooLong + "\" \"2\"");
        assertEquals(Map.of(ok, new Secret.Plain("1")), users);
        assertEquals(List.of(dir.resolve("userlist.txt")
                + ":2: username too long in auth file; the rest of the file is ignored"), warnings);
    }

    @Test
    void secretOf2048CharactersStopsTheReading() throws Exception {
        Map<String, Secret> users = read("\"u\" \"" + "p".repeat(AuthFile.MAX_PASSWORD) + "\"");
        assertEquals(Map.of(), users);
        assertEquals(List.of(dir.resolve("userlist.txt")
                + ":1: password too long in auth file; the rest of the file is ignored"), warnings);
    }

    @Test
    void missingFileIsAnError() {
        Path file = dir.resolve("absent.txt");
        ConfigException e = assertThrows(ConfigException.class, () -> AuthFile.read(file));
        assertEquals(file + ": could not open auth_file: No such file or directory", e.getMessage());
        assertEquals(0, e.line());
    }

    @Test
    void resultCannotBeChanged() throws Exception {
        Map<String, Secret> users = read("\"a\" \"1\"");
        assertThrows(UnsupportedOperationException.class, () -> users.put("b", new Secret.Plain("2")));
    }
}
