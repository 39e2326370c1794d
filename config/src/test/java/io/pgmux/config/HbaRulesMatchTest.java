package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HbaRulesMatchTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private HbaRules rules(String... lines) throws ConfigException {
        HbaRules rules = HbaRules.read(IniFiles.write(dir, "pg_hba.conf", lines), warnings::add);
        assertEquals(List.of(), warnings);
        return rules;
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static HbaMethod unix(HbaRules rules, String database, String user) {
        return method(rules.match(ConnectionKind.LOCAL, null, false, database, user, false));
    }

    private static HbaMethod tcp(HbaRules rules, String address, String database, String user) {
        return method(rules.match(ConnectionKind.HOST, ip(address), false, database, user, false));
    }

    private static HbaMethod tls(HbaRules rules, String address, String database, String user) {
        return method(rules.match(ConnectionKind.HOST, ip(address), true, database, user, false));
    }

    private static HbaMethod physicalReplication(HbaRules rules, String address, String database, String user) {
        return method(rules.match(ConnectionKind.HOST, ip(address), false, database, user, true));
    }

    private static HbaMethod method(HbaRule rule) {
        return rule == null ? null : rule.method();
    }

    @Test
    void localRulesApplyOnlyToUnixSocketsAndHostRulesOnlyToTcp() throws Exception {
        HbaRules rules = rules("local all all peer", "host all all all md5");
        assertEquals(HbaMethod.PEER, unix(rules, "db", "u"));
        assertEquals(HbaMethod.MD5, tcp(rules, "127.0.0.1", "db", "u"));
        assertEquals(HbaMethod.MD5, tls(rules, "::1", "db", "u"));
    }

    @Test
    void unixSocketWithoutLocalRuleMatchesNothing() throws Exception {
        assertNull(unix(rules("host all all all trust"), "db", "u"));
    }

    @Test
    void hostsslNeedsTlsAndHostnosslNeedsPlainTcp() throws Exception {
        HbaRules rules = rules(
                "hostssl   all all 10.0.0.0/8 cert",
                "hostnossl all all 10.0.0.0/8 md5",
                "hostssl   all all 11.0.0.0/8 scram-sha-256");
        assertEquals(HbaMethod.CERT, tls(rules, "10.1.1.1", "db", "u"));
        assertEquals(HbaMethod.MD5, tcp(rules, "10.1.1.1", "db", "u"));
        assertEquals(HbaMethod.SCRAM_SHA_256, tls(rules, "11.1.1.1", "db", "u"));
        assertNull(tcp(rules, "11.1.1.1", "db", "u"));
    }

    @Test
    void hostsslAndHostnosslRulesNeverApplyToUnixSockets() throws Exception {
        HbaRules rules = rules("hostssl all all all trust", "hostnossl all all all trust");
        assertNull(unix(rules, "db", "u"));
        assertNull(rules.match(ConnectionKind.LOCAL, null, true, "db", "u", false));
    }

    @Test
    void firstMatchingRuleWinsAndKnowsItsLine() throws Exception {
        HbaRules rules = rules(
                "# comment",
                "host db1 all     10.0.0.0/8 reject",
                "host all  admin  10.0.0.0/8 scram-sha-256",
                "host all  all    10.0.0.0/8 md5",
                "host all  all    all        trust");
        assertEquals(HbaMethod.REJECT, tcp(rules, "10.0.0.1", "db1", "admin"));
        assertEquals(HbaMethod.SCRAM_SHA_256, tcp(rules, "10.0.0.1", "db2", "admin"));
        assertEquals(HbaMethod.MD5, tcp(rules, "10.0.0.1", "db2", "other"));
        assertEquals(HbaMethod.TRUST, tcp(rules, "192.168.0.1", "db1", "admin"));
        assertEquals(4, rules.match(ConnectionKind.HOST, ip("10.9.9.9"), false, "x", "y", false).line());
    }

    @Test
    void noMatchingRuleGivesNull() throws Exception {
        HbaRules rules = rules("host db1 u1 10.0.0.0/8 trust");
        assertNull(tcp(rules, "10.0.0.1", "db2", "u1"));
        assertNull(tcp(rules, "10.0.0.1", "db1", "u2"));
        assertNull(tcp(rules, "11.0.0.1", "db1", "u1"));
        assertNull(rules("").match(ConnectionKind.HOST, ip("10.0.0.1"), false, "db1", "u1", false));
    }

    @Test
    void ipv4PrefixLengthsBoundTheNetwork() throws Exception {
        HbaRules rules = rules(
                "host all all 192.168.1.7/32 cert",
                "host all all 192.168.1.0/24 md5",
                "host all all 128.0.0.0/1    password",
                "host all all 0.0.0.0/0      trust");
        assertEquals(HbaMethod.CERT, tcp(rules, "192.168.1.7", "d", "u"));
        assertEquals(HbaMethod.MD5, tcp(rules, "192.168.1.8", "d", "u"));
        assertEquals(HbaMethod.MD5, tcp(rules, "192.168.1.0", "d", "u"));
        assertEquals(HbaMethod.MD5, tcp(rules, "192.168.1.255", "d", "u"));
        assertEquals(HbaMethod.PASSWORD, tcp(rules, "192.168.2.1", "d", "u"));
        assertEquals(HbaMethod.PASSWORD, tcp(rules, "255.255.255.255", "d", "u"));
        assertEquals(HbaMethod.TRUST, tcp(rules, "127.255.255.255", "d", "u"));
        assertNull(tcp(rules, "::1", "d", "u"), "an IPv4 rule, even /0, admits no IPv6 client");
    }

    @Test
    void ipv4PrefixNotOnAByteBoundary() throws Exception {
        HbaRules rules = rules("host all all 172.16.0.0/12 trust");
        assertEquals(HbaMethod.TRUST, tcp(rules, "172.16.0.1", "d", "u"));
        assertEquals(HbaMethod.TRUST, tcp(rules, "172.31.255.254", "d", "u"));
        assertNull(tcp(rules, "172.32.0.1", "d", "u"));
        assertNull(tcp(rules, "172.15.255.255", "d", "u"));
    }

    @Test
    void ipv4SeparateMaskColumn() throws Exception {
        HbaRules rules = rules(
                "host all all 127.0.0.0  255.255.255.0 password",
                "host all all 10.0.0.1\t255.0.0.255   md5");
        assertEquals(HbaMethod.PASSWORD, tcp(rules, "127.0.0.3", "d", "u"));
        assertNull(tcp(rules, "127.0.1.4", "d", "u"));
        assertEquals(HbaMethod.MD5, tcp(rules, "10.200.3.1", "d", "u"), "masks need not be contiguous");
        assertNull(tcp(rules, "10.200.3.2", "d", "u"));
    }

    @Test
    void ipv6PrefixLengths() throws Exception {
        HbaRules rules = rules(
                "host all all ::1/128        trust",
                "host all all fe80::/10      cert",
                "host all all 2001:db8::/32  md5",
                "host all all ::/0           password");
        assertEquals(HbaMethod.TRUST, tcp(rules, "::1", "d", "u"));
        assertEquals(HbaMethod.CERT, tcp(rules, "fe80::1", "d", "u"));
        assertEquals(HbaMethod.CERT, tcp(rules, "febf:ffff::1", "d", "u"));
        assertEquals(HbaMethod.MD5, tcp(rules, "2001:db8:ffff::5", "d", "u"));
        assertEquals(HbaMethod.PASSWORD, tcp(rules, "2001:db9::5", "d", "u"));
        assertEquals(HbaMethod.PASSWORD, tcp(rules, "::2", "d", "u"));
        assertNull(tcp(rules, "10.0.0.1", "d", "u"), "an IPv6 rule, even ::/0, admits no IPv4 client");
    }

    @Test
    void ipv6SeparateMaskColumn() throws Exception {
        HbaRules rules = rules("host all all 2001:db8:: ffff:ffff:: md5");
        assertEquals(HbaMethod.MD5, tcp(rules, "2001:db8:1::1", "d", "u"));
        assertNull(tcp(rules, "2001:db7::1", "d", "u"));
    }

    @Test
    void allAddressAdmitsEveryFamily() throws Exception {
        HbaRules rules = rules("host all all all scram-sha-256");
        assertEquals(HbaMethod.SCRAM_SHA_256, tcp(rules, "1.2.3.4", "d", "u"));
        assertEquals(HbaMethod.SCRAM_SHA_256, tcp(rules, "face::1", "d", "u"));
    }

    @Test
    void commaListsOfDatabasesAndUsersWithOrWithoutSpaces() throws Exception {
        HbaRules rules = rules(
                "host tmp1,all user1,user2 , user3 16.0.0.0/8 md5",
                "host d1,d2,d3 u1 17.0.0.0/8 trust");
        assertEquals(HbaMethod.MD5, tcp(rules, "16.0.0.1", "anydb", "user1"));
        assertEquals(HbaMethod.MD5, tcp(rules, "16.0.0.1", "anydb", "user3"));
        assertNull(tcp(rules, "16.0.0.1", "anydb", "user4"));
        assertEquals(HbaMethod.TRUST, tcp(rules, "17.0.0.1", "d3", "u1"));
        assertNull(tcp(rules, "17.0.0.1", "d4", "u1"));
    }

    @Test
    void quotedNamesAreLiteralEvenWhenTheySpellKeywords() throws Exception {
        HbaRules rules = rules(
                "local \"all\" \"all\" cert",
                "local \"q1\"\"q2\" \"a , b\" md5",
                "local \"sameuser\",\"replication\" u trust");
        assertEquals(HbaMethod.CERT, unix(rules, "all", "all"));
        assertNull(unix(rules, "db", "all"));
        assertEquals(HbaMethod.MD5, unix(rules, "q1\"q2", "a , b"));
        assertEquals(HbaMethod.TRUST, unix(rules, "sameuser", "u"));
        assertEquals(HbaMethod.TRUST, unix(rules, "replication", "u"));
        assertNull(unix(rules, "u", "u"));
    }

    @Test
    void namesAreCaseSensitive() throws Exception {
        HbaRules rules = rules("local Sales Alice trust");
        assertEquals(HbaMethod.TRUST, unix(rules, "Sales", "Alice"));
        assertNull(unix(rules, "sales", "Alice"));
        assertNull(unix(rules, "Sales", "alice"));
    }

    @Test
    void sameuserAdmitsTheDatabaseNamedLikeTheUser() throws Exception {
        HbaRules rules = rules("local sameuser,shared all trust");
        assertEquals(HbaMethod.TRUST, unix(rules, "alice", "alice"));
        assertEquals(HbaMethod.TRUST, unix(rules, "shared", "alice"));
        assertNull(unix(rules, "bob", "alice"));
    }

    @Test
    void sameuserInTheUserColumnAdmitsTheUserNamedLikeTheDatabaseAsInPgBouncer() throws Exception {
        HbaRules rules = rules("local all sameuser md5");
        assertEquals(HbaMethod.MD5, unix(rules, "alice", "alice"));
        assertNull(unix(rules, "db", "alice"));
        assertNull(unix(rules, "db", "sameuser"));
    }

    @Test
    void physicalReplicationNeedsTheReplicationKeyword() throws Exception {
        HbaRules rules = rules(
                "host replication admin ::1/128 trust",
                "host db2,replication admin2 ::1/128 md5",
                "host all all ::1/128 password");
        assertEquals(HbaMethod.TRUST, physicalReplication(rules, "::1", "anything", "admin"));
        assertEquals(HbaMethod.MD5, physicalReplication(rules, "::1", "db", "admin2"));
        assertNull(physicalReplication(rules, "::1", "db", "other"), "all does not admit physical replication");
        assertEquals(HbaMethod.PASSWORD, tcp(rules, "::1", "replication", "admin"),
                "the keyword does not name a database called replication");
        assertEquals(HbaMethod.MD5, tcp(rules, "::1", "db2", "admin2"));
    }

    @Test
    void physicalReplicationStillChecksTypeAddressAndUser() throws Exception {
        HbaRules rules = rules("hostssl replication repl 10.0.0.0/8 cert", "local replication repl peer");
        assertNull(physicalReplication(rules, "10.0.0.1", "db", "repl"), "hostssl without TLS");
        assertEquals(HbaMethod.CERT, method(rules.match(ConnectionKind.HOST, ip("10.0.0.1"), true, "db", "repl", true)));
        assertNull(physicalReplication(rules, "11.0.0.1", "db", "repl"));
        assertEquals(HbaMethod.PEER, method(rules.match(ConnectionKind.LOCAL, null, false, "db", "repl", true)));
        assertNull(method(rules.match(ConnectionKind.LOCAL, null, false, "db", "other", true)));
    }

    @Test
    void replicationInTheUserColumnAdmitsNoUser() throws Exception {
        HbaRules rules = rules("local all replication trust");
        assertNull(unix(rules, "db", "replication"));
        assertNull(method(rules.match(ConnectionKind.LOCAL, null, false, "db", "replication", true)));
    }

    @Test
    void tcpMatchNeedsAClientAddressAndUnixMatchIgnoresIt() throws Exception {
        HbaRules rules = rules("local all all trust");
        assertThrows(IllegalArgumentException.class,
                () -> rules.match(ConnectionKind.HOST, null, false, "d", "u", false));
        assertEquals(HbaMethod.TRUST, method(rules.match(ConnectionKind.LOCAL, ip("10.0.0.1"), false, "d", "u", false)));
    }
}
