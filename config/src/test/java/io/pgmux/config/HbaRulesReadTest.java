package io.pgmux.config;

import static io.pgmux.config.HbaRulesMatchTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class HbaRulesReadTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private Path file(String... lines) {
        return IniFiles.write(dir, "pg_hba.conf", lines);
    }

    private List<HbaRule> read(String... lines) throws ConfigException {
        return HbaRules.read(file(lines), warnings::add).rules();
    }

    /** Reads one bad line and checks it is ignored with exactly this warning. */
    private void assertIgnored(String line, String reason) throws ConfigException {
        assertEquals(List.of(), read(line));
        assertEquals(List.of(dir.resolve("pg_hba.conf") + ":1: " + reason + "; the line is ignored"), warnings);
    }

    @Test
    void ruleExposesEveryColumn() throws Exception {
        HbaRule rule = read("", "hostssl db1,\"Db 2\" alice,sameuser 10.1.0.0/16 cert").get(0);
        assertEquals(2, rule.line());
        assertEquals(HbaRuleType.HOSTSSL, rule.type());
        assertEquals(new HbaNames(false, false, false, Set.of("db1", "Db 2")), rule.databases());
        assertEquals(List.of("db1", "Db 2"), List.copyOf(rule.databases().names()));
        assertEquals(new HbaNames(false, true, false, Set.of("alice")), rule.users());
        assertEquals(new IpNetwork(ip("10.1.0.0"), ip("255.255.0.0")), rule.address());
        assertEquals(HbaMethod.CERT, rule.method());
        assertEquals(HbaOptions.NONE, rule.options());
        assertEquals(List.of(), warnings);
    }

    @Test
    void everyRuleType() throws Exception {
        List<HbaRule> rules = read(
                "local all all trust",
                "host all all all trust",
                "hostssl all all all trust",
                "hostnossl all all all trust");
        assertEquals(List.of(HbaRuleType.LOCAL, HbaRuleType.HOST, HbaRuleType.HOSTSSL, HbaRuleType.HOSTNOSSL),
                rules.stream().map(HbaRule::type).toList());
        assertEquals(HbaAddress.ALL, rules.get(0).address());
        assertEquals(List.of(), warnings);
    }

    @ParameterizedTest
    @EnumSource(HbaMethod.class)
    void everyMethodWord(HbaMethod method) throws Exception {
        List<HbaRule> rules = read("local all all " + method.keyword(), "host all all all " + method.keyword());
        assertEquals(List.of(method, method), rules.stream().map(HbaRule::method).toList());
        assertEquals(List.of(), warnings);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pam", "ident", "gss", "sspi", "radius", "bsd", "oauth", "any", "plain", "hba",
        "md5-sha", "Trust", "MD5", "scram"})
    void unsupportedMethodIgnoresTheLine(String method) throws Exception {
        assertIgnored("host all all all " + method, "unsupported method \"" + method + "\"");
    }

    @Test
    void quotedMethodIsNotAMethod() throws Exception {
        assertIgnored("local all all \"trust\"", "unsupported method quoted \"trust\"");
    }

    @Test
    void missingMethodIgnoresTheLine() throws Exception {
        assertIgnored("local all all", "unsupported method end of line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hostgssenc", "hostnogssenc", "include", "include_dir", "Local", "HOST", "\"local\""})
    void unknownTypeIgnoresTheLine(String type) throws Exception {
        List<HbaRule> rules = read(type + " all all all trust");
        assertEquals(List.of(), rules);
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains(":1: unknown type "), warnings.get(0));
    }

    @Test
    void missingUserIgnoresTheLine() throws Exception {
        assertIgnored("local all", "expected a user name, found end of line");
    }

    @Test
    void trailingCommaSwallowsTheNextColumn() throws Exception {
        assertIgnored("local db, all trust", "unsupported method end of line");
    }

    @Test
    void groupsAndSameroleAreNotSupported() throws Exception {
        assertIgnored("local all +admins trust", "group names are not supported: +admins");
        warnings.clear();
        assertIgnored("local samerole all trust", "samerole is not supported");
        warnings.clear();
        assertIgnored("local samegroup all trust", "samegroup is not supported");
        warnings.clear();
        assertIgnored("local all samerole trust", "samerole is not supported");
    }

    @Test
    void quotedPlusNameIsAPlainName() throws Exception {
        HbaRule rule = read("local all \"+admins\" trust").get(0);
        assertEquals(Set.of("+admins"), rule.users().names());
    }

    @ParameterizedTest
    @ValueSource(strings = {"samehost", "samenet", "db.example.com", "localhost", "10.0.0.256/8", "10.0.0/8",
        "010.0.0.1/32", "fe80::1%eth0/64", ".example.com", "1.2.3.4.5"})
    void unparsableAddressIgnoresTheLine(String address) throws Exception {
        String addressPart = address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
        assertIgnored("host all all " + address + " trust", "failed to parse address \"" + addressPart + "\"");
    }

    @Test
    void quotedOrMissingAddressIgnoresTheLine() throws Exception {
        assertIgnored("host all all \"10.0.0.0/8\" trust", "did not find address, found quoted \"10.0.0.0/8\"");
        warnings.clear();
        assertIgnored("host all all", "did not find address, found end of line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/x", "10.0.0.0/8/9", "10.0.0.0/-1", "10.0.0.0/+", "10.0.0.0/-",
        "::/129", "::/99999999999999999999", "10.0.0.0/0x8", "10.0.0.0/8.0"})
    void invalidPrefixLengthIgnoresTheLine(String address) throws Exception {
        assertIgnored("host all all " + address + " trust",
                "invalid mask \"" + address.substring(address.indexOf('/')) + "\"");
    }

    @Test
    void prefixLengthIsReadAsStrtoulReadsIt() throws Exception {
        List<HbaRule> rules = read(
                "host all all 10.0.0.0/+8 trust",
                "host all all 10.0.0.0/008 trust",
                "host all all 0.0.0.0/-0 trust",
                "host all all 0.0.0.0/ trust",
                "host all all ::/128 trust");
        assertEquals(List.of(), warnings);
        assertEquals(List.of(ip("255.0.0.0"), ip("255.0.0.0"), ip("0.0.0.0"), ip("0.0.0.0"),
                        ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
                rules.stream().map(r -> ((IpNetwork) r.address()).mask()).toList());
    }

    @Test
    void missingOrBadSeparateMaskIgnoresTheLine() throws Exception {
        assertIgnored("host all all 10.0.0.0 trust", "failed to parse mask \"trust\"");
        warnings.clear();
        assertIgnored("host all all 10.0.0.0", "did not find mask, found end of line");
        warnings.clear();
        assertIgnored("host all all 10.0.0.0 ffff:: trust", "failed to parse mask \"ffff::\"");
        warnings.clear();
        assertIgnored("host all all ::1 255.255.255.255 trust", "failed to parse mask \"255.255.255.255\"");
        warnings.clear();
        assertIgnored("host all all 10.0.0.0 \"255.0.0.0\" trust", "did not find mask, found quoted \"255.0.0.0\"");
    }

    @Test
    void addressOutsideItsMaskKeepsARuleThatMatchesNoClient() throws Exception {
        HbaRules rules = HbaRules.read(file("host all all 10.1.2.3/8 trust", "host all all 192.168.1.1/0 md5"),
                warnings::add);
        assertEquals(2, rules.rules().size());
        assertEquals(2, warnings.size());
        assertEquals(dir.resolve("pg_hba.conf") + ":1: address does not match mask: 10.1.2.3 / 255.0.0.0;"
                + " this rule matches no client", warnings.get(0));
        assertTrue(warnings.get(1).startsWith(dir.resolve("pg_hba.conf") + ":2: address does not match mask"));
        assertNull(rules.match(ConnectionKind.HOST, ip("10.1.2.3"), false, "d", "u", false));
        assertNull(rules.match(ConnectionKind.HOST, ip("192.168.1.1"), false, "d", "u", false));
    }

    @Test
    void mapOptionNamesAMapOfTheIdentFile() throws Exception {
        Path ident = IniFiles.write(dir, "ident.conf", "certmap client.example.org app");
        HbaRules rules = HbaRules.read(file(
                "hostssl all all all cert map=certmap",
                "local all all peer map=certmap",
                "local all all md5 map=certmap"), IdentMap.read(ident), warnings::add);
        assertEquals(List.of(), warnings);
        assertEquals(3, rules.rules().size());
        for (HbaRule rule : rules.rules()) {
            assertEquals(new HbaOptions(Optional.of("certmap"), Optional.empty()), rule.options());
        }
    }

    @Test
    void mapOfNoIdentFileIgnoresTheLine() throws Exception {
        Path ident = IniFiles.write(dir, "ident.conf", "other sys db");
        HbaRules rules = HbaRules.read(file("local all all peer map=mymap"), IdentMap.read(ident), warnings::add);
        assertEquals(List.of(), rules.rules());
        assertEquals(List.of(dir.resolve("pg_hba.conf")
                + ":1: ident map \"mymap\" is not found in the ident file; the line is ignored"), warnings);
        warnings.clear();
        assertIgnored("local all all peer map=mymap", "ident map \"mymap\" is not found in the ident file");
    }

    @Test
    void optionsOtherThanMapIgnoreTheLine() throws Exception {
        assertIgnored("hostssl all all all cert clientcert=verify-full",
                "unsupported option \"clientcert=verify-full\" (only map=name is supported)");
        warnings.clear();
        assertIgnored("local all all peer MAP=x", "unsupported option \"MAP=x\" (only map=name is supported)");
    }

    @Test
    void anythingAfterTheOptionIgnoresTheLine() throws Exception {
        Path ident = IniFiles.write(dir, "ident.conf", "m sys db");
        HbaRules rules = HbaRules.read(file(
                "local all all peer map=m extra",
                "local all all peer \"map=m\"",
                "local all all trust ,",
                "local all all peer map=m # fine"), IdentMap.read(ident), warnings::add);
        assertEquals(List.of(4), rules.rules().stream().map(HbaRule::line).toList());
        String hba = dir.resolve("pg_hba.conf").toString();
        assertEquals(List.of(
                hba + ":1: unsupported parameters: extra; the line is ignored",
                hba + ":2: unsupported parameters: \"map=m\"; the line is ignored",
                hba + ":3: unsupported parameters: ,; the line is ignored"), warnings);
    }

    @Test
    void ldapKeepsTheRestOfTheLineVerbatim() throws Exception {
        List<HbaRule> rules = read(
                "host all ldapuser 0.0.0.0/0 ldap ldapserver=127.0.0.1 ldapport=389 ldapprefix=\"uid=\" "
                        + "ldapsuffix=\",dc=example,dc=net\"  \r",
                "host all all all ldap",
                "host all all all ldap \"unterminated");
        assertEquals(List.of(), warnings);
        assertEquals(HbaOptions.ldap("ldapserver=127.0.0.1 ldapport=389 ldapprefix=\"uid=\" "
                + "ldapsuffix=\",dc=example,dc=net\""), rules.get(0).options());
        assertEquals(Optional.of(""), rules.get(1).options().ldap());
        assertEquals(Optional.of("\"unterminated"), rules.get(2).options().ldap());
        assertEquals(Optional.empty(), rules.get(0).options().map());
    }

    @Test
    void commentsBlankLinesAndOddWhiteSpace() throws Exception {
        List<HbaRule> rules = read(
                "# TYPE DATABASE USER ADDRESS METHOD",
                "",
                " \t \t ",
                "\t\t# indented comment",
                "local\tall\t\tall\t\t\t\tpeer # trailing comment",
                "local all all trust#glued comment",
                "local \"#db\" all md5",
                "local all all password\r",
                "local all all cert \u000b\f");
        assertEquals(List.of(), warnings);
        assertEquals(List.of(5, 6, 7, 8, 9), rules.stream().map(HbaRule::line).toList());
        assertEquals(List.of(HbaMethod.PEER, HbaMethod.TRUST, HbaMethod.MD5, HbaMethod.PASSWORD, HbaMethod.CERT),
                rules.stream().map(HbaRule::method).toList());
        assertEquals(Set.of("#db"), rules.get(2).databases().names());
    }

    @Test
    void quoteEndsAWordSoAGluedQuotedStringIsTheNextColumn() throws Exception {
        HbaRule rule = read("local db\"user\" trust").get(0);
        assertEquals(Set.of("db"), rule.databases().names());
        assertEquals(Set.of("user"), rule.users().names());
    }

    @Test
    void unterminatedQuoteIgnoresTheLine() throws Exception {
        assertIgnored("local \"db all trust", "expected a database name, found unterminated quoted string");
    }

    @Test
    void emptyQuotedNameIsAName() throws Exception {
        HbaRules rules = HbaRules.read(file("local \"\" all trust"), warnings::add);
        assertEquals(HbaMethod.TRUST, rules.match(ConnectionKind.LOCAL, null, false, "", "u", false).method());
    }

    @Test
    void trailingBackslashDoesNotContinueTheLine() throws Exception {
        List<HbaRule> rules = read("host all all \\", "  10.0.0.0/8 trust", "local all all trust");
        assertEquals(List.of(3), rules.stream().map(HbaRule::line).toList());
        String hba = dir.resolve("pg_hba.conf").toString();
        assertEquals(List.of(
                hba + ":1: failed to parse address \"\\\" (a line ending in \\ is not continued on the next line,"
                        + " unlike in PostgreSQL); the line is ignored",
                hba + ":2: unknown type \"10.0.0.0/8\"; the line is ignored"), warnings);
    }

    @Test
    void badLinesAreIgnoredAndTheRestIsStillRead() throws Exception {
        List<HbaRule> rules = read(
                "local all all peer",
                "local all all gss",
                "hostx all all all trust",
                "host all all all md5");
        assertEquals(List.of(1, 4), rules.stream().map(HbaRule::line).toList());
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(0).startsWith(dir.resolve("pg_hba.conf") + ":2: "), warnings.get(0));
        assertTrue(warnings.get(1).startsWith(dir.resolve("pg_hba.conf") + ":3: "), warnings.get(1));
    }

    @Test
    void emptyFileHasNoRules() throws Exception {
        assertEquals(List.of(), read());
        assertEquals(List.of(), warnings);
    }

    @Test
    void readWithoutWarningsGivesTheSameRules() throws Exception {
        Path hba = file("local all all peer", "local all all bogus", "host all all ::1/128 trust");
        assertEquals(HbaRules.read(hba, warnings::add).rules(), HbaRules.read(hba).rules());
        assertEquals(1, warnings.size());
    }

    @Test
    void unreadableFileIsAConfigError() {
        Path missing = dir.resolve("missing.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> HbaRules.read(missing, warnings::add));
        assertEquals(missing.toString(), e.file());
        assertEquals(0, e.line());
        assertEquals(missing + ": could not open hba config file: No such file or directory", e.getMessage());
        assertInstanceOf(ConfigException.class, assertThrows(ConfigException.class, () -> HbaRules.read(dir)));
    }
}
