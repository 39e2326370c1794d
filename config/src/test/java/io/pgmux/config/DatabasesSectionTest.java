package io.pgmux.config;

import static io.pgmux.config.IniFiles.load;
import static io.pgmux.config.IniFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabasesSectionTest {
    @TempDir
    Path dir;

    private PgBouncerConfig databases(String... lines) throws ConfigException {
        String[] all = new String[lines.length + 2];
        all[0] = "[pgbouncer]";
        all[1] = "[databases]";
        System.arraycopy(lines, 0, all, 2, lines.length);
        return load(write(dir, "db.ini", all)).config();
    }

    private ConfigException error(String line) {
        Path file = write(dir, "db.ini", "[pgbouncer]", "[databases]", line);
        return assertThrows(ConfigException.class, () -> load(file));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        DatabaseEntry e = databases("full = dbname=real host=h1,h2 port=6000 user=u password=pw auth_user=au"
                + " auth_query='SELECT usename, passwd FROM pg_shadow WHERE usename=$1' auth_dbname=authdb"
                + " client_encoding=UTF8 datestyle=ISO timezone=UTC pool_size=7 min_pool_size=2"
                + " reserve_pool_size=3 max_db_connections=40 max_db_client_connections=400 server_lifetime=120"
                + " load_balance_hosts=Disable pool_mode=Statement connect_query='SELECT 1'"
                + " application_name=app").databases().get("full");
        assertEquals(new DatabaseEntry("full", "h1,h2", 6000, "real", "u", "pw", "au",
                "SELECT usename, passwd FROM pg_shadow WHERE usename=$1", "authdb", 7, 2, 3, 40, 400,
                Duration.ofSeconds(120), PoolMode.STATEMENT, "SELECT 1", "UTF8", "ISO", "UTC", "app", "disable"), e);
    }

    @Test
    void unsetKeysTakeTheirMarkers() throws Exception {
        DatabaseEntry e = databases("bare =").databases().get("bare");
        assertEquals(new DatabaseEntry("bare", null, 5432, null, null, null, null, null, null, -1, -1, -1, -1, -1,
                null, null, null, null, null, null, null, "round-robin"), e);
        assertEquals("bare", e.serverDbname());
    }

    @Test
    void reservePoolIsAnAliasAndTheLastValueWins() throws Exception {
        DatabaseEntry e = databases("d = reserve_pool=4 host=a host=b").databases().get("d");
        assertEquals(4, e.reservePool());
        assertEquals("b", e.host());
    }

    @Test
    void numbersAreReadAsPgBouncerReadsThem() throws Exception {
        DatabaseEntry e = databases("d = pool_size=-5 min_pool_size=0 server_lifetime=30.9").databases().get("d");
        assertEquals(-1, e.poolSize());
        assertEquals(0, e.minPoolSize());
        assertEquals(Duration.ofSeconds(30), e.serverLifetime());
        assertNull(databases("d = server_lifetime=0").databases().get("d").serverLifetime());
    }

    @Test
    void quotedValuesKeepSpacesAndEscapedQuotes() throws Exception {
        DatabaseEntry e = databases("d = password='it''s a secret'   connect_query='SET x = ''y'''  user=bob")
                .databases().get("d");
        assertEquals("it's a secret", e.password());
        assertEquals("SET x = 'y'", e.connectQuery());
        assertEquals("bob", e.user());
    }

    @Test
    void spacesAroundEqualsAreAllowedButTabsArePartOfValues() throws Exception {
        DatabaseEntry e = databases("d = host = h1   dbname =x\tport=1").databases().get("d");
        assertEquals("h1", e.host());
        assertEquals("x\tport=1", e.dbname());
    }

    @Test
    void quotedNamesAllowOtherCharacters() throws Exception {
        PgBouncerConfig c = databases("\"my db\" = host=a", "\"say \"\"hi\"\"\" = host=b", "'semi;colon' = host=c",
                "plain-name.v2 = host=d");
        assertEquals(List.of("my db", "say \"hi\"", "semi;colon", "plain-name.v2"),
                List.copyOf(c.databases().keySet()));
    }

    @Test
    void laterLineForTheSameNameReplacesTheEarlier() throws Exception {
        PgBouncerConfig c = databases("a = host=one", "b = host=x", "a = host=two");
        assertEquals(List.of("a", "b"), List.copyOf(c.databases().keySet()));
        assertEquals("two", c.databases().get("a").host());
    }

    @Test
    void fallbackServesUnlistedNames() throws Exception {
        PgBouncerConfig c = databases("listed = host=l", "* = host=fallback port=5440 pool_size=9");
        assertEquals("l", c.database("listed").orElseThrow().host());
        DatabaseEntry other = c.database("other").orElseThrow();
        assertEquals("other", other.name());
        assertEquals("other", other.serverDbname());
        assertEquals("fallback", other.host());
        assertEquals(5440, other.port());
        assertEquals(9, other.poolSize());
        assertEquals(DatabaseEntry.FALLBACK, c.databases().get("*").name());
    }

    @Test
    void fallbackWithDbnameSendsEveryoneThere() throws Exception {
        PgBouncerConfig c = databases("* = dbname=shared");
        assertEquals("shared", c.database("anything").orElseThrow().serverDbname());
    }

    @Test
    void withoutFallbackUnlistedNamesHaveNoEntry() throws Exception {
        PgBouncerConfig c = databases("listed = host=l");
        assertFalse(c.database("other").isPresent());
        assertTrue(c.database("listed").isPresent());
    }

    @Test
    void passwordIsNotShownByToString() throws Exception {
        DatabaseEntry e = databases("d = user=u password=hunter2").databases().get("d");
        assertFalse(e.toString().contains("hunter2"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pgbouncer = host=a | database \"pgbouncer\": database name \"pgbouncer\" is reserved",
        "d = hots=a | database \"d\": unrecognized connection parameter: hots",
        "d = Host=a | database \"d\": unrecognized connection parameter: Host",
        "d = query_wait_timeout=5 | database \"d\": unrecognized connection parameter: query_wait_timeout",
        "d = port=0 | database \"d\": invalid port: 0",
        "d = port=70000 | database \"d\": invalid port: 70000",
        "d = port=5432x | database \"d\": invalid port: 5432x",
        "d = pool_size=many | database \"d\": invalid pool_size: many",
        "d = server_lifetime=1h | database \"d\": invalid server_lifetime: 1h",
        "d = pool_mode=sometimes | database \"d\": invalid pool mode: sometimes",
        "d = load_balance_hosts=random | database \"d\": invalid load_balance_hosts: random",
        "d = host= | database \"d\": syntax error in connection string",
        "d = host='' | database \"d\": syntax error in connection string",
        "d = host | database \"d\": syntax error in connection string",
        "d = =x | database \"d\": syntax error in connection string",
        "d = * = host=a | database \"d\": unrecognized connection parameter: *",
        "* = hots=a | database \"*\": unrecognized connection parameter: hots"
    })
    void badEntriesAreErrorsWithFileAndLine(String line, String reason) {
        Path file = dir.resolve("db.ini");
        assertEquals(file + ":3: " + reason, error(line).getMessage());
    }

    @Test
    void unterminatedQuoteIsASyntaxErrorThatDoesNotShowTheSecret() {
        ConfigException e = error("d = user=u password='hunter2");
        assertEquals(dir.resolve("db.ini") + ":3: database \"d\": syntax error in connection string", e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void junkRightAfterAClosingQuoteIsASyntaxError() {
        assertEquals(dir.resolve("db.ini") + ":3: database \"d\": syntax error in connection string",
                error("d = password='a'b").getMessage());
    }

    @Test
    void serversAreAlikeWhenOnlySizesLimitsAndModesDiffer() throws Exception {
        PgBouncerConfig config = databases(
                "a = host=h port=5432 dbname=d user=u password=p",
                "sized = host=h port=5432 dbname=d user=u password=p pool_size=3 min_pool_size=1 reserve_pool=2"
                        + " max_db_connections=9 pool_mode=transaction server_lifetime=30");
        assertTrue(config.databases().get("a").sameServer(config.databases().get("sized")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "host=h2 port=5432 dbname=d user=u password=p",
        "host=h port=5433 dbname=d user=u password=p",
        "host=h port=5432 dbname=e user=u password=p",
        "host=h port=5432 dbname=d user=v password=p",
        "host=h port=5432 dbname=d user=u password=q",
        "host=h port=5432 dbname=d",
        "host=h port=5432 dbname=d user=u password=p connect_query='SELECT 1'",
        "host=h port=5432 dbname=d user=u password=p application_name=app",
        "host=h port=5432 dbname=d user=u password=p client_encoding=LATIN1",
        "host=h port=5432 dbname=d user=u password=p timezone=UTC",
        "host=h port=5432 dbname=d user=u password=p auth_dbname=other"
    })
    void aChangedAddressLoginOrStartupValueMakesAnotherServer(String changed) throws Exception {
        PgBouncerConfig config = databases("a = host=h port=5432 dbname=d user=u password=p", "b = " + changed);
        assertFalse(config.databases().get("a").sameServer(config.databases().get("b")));
    }

    @Test
    void aForcedUserCanBeSwappedAndTheRestKept() throws Exception {
        DatabaseEntry entry = databases("a = host=h port=5432 dbname=d user=u password=p pool_size=4")
                .databases().get("a");
        DatabaseEntry other = entry.withForcedUser("v", null);
        assertEquals("v", other.user());
        assertNull(other.password());
        assertEquals(4, other.poolSize());
        assertTrue(entry.sameServer(other.withForcedUser("u", "p")));
    }
}
