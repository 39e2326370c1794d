package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HbaNameFileTest {
    @TempDir
    Path dir;

    /** Where the HBA file lives: not the working directory, so relative @files must resolve against it. */
    private Path conf;

    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void makeConfDir() throws Exception {
        conf = Files.createDirectory(dir.resolve("conf"));
    }

    private HbaRules read(String... lines) throws ConfigException {
        return HbaRules.read(IniFiles.write(conf, "pg_hba.conf", lines), warnings::add);
    }

    private String hba() {
        return conf.resolve("pg_hba.conf").toString();
    }

    private static HbaMethod unix(HbaRules rules, String database, String user) {
        HbaRule rule = rules.match(ConnectionKind.LOCAL, null, false, database, user, false);
        return rule == null ? null : rule.method();
    }

    @Test
    void fileListsUsersRelativeToTheHbaFile() throws Exception {
        IniFiles.write(conf, "admins.txt", "alice,\"Bob Smith\"", "carol # the new one");
        HbaRules rules = read("local all @admins.txt trust");
        assertEquals(List.of(), warnings);
        assertEquals(Set.of("alice", "Bob Smith", "carol"), rules.rules().get(0).users().names());
        assertEquals(HbaMethod.TRUST, unix(rules, "db", "Bob Smith"));
        assertNull(unix(rules, "db", "dave"));
    }

    @Test
    void fileListsDatabasesAndMixesWithOtherNames() throws Exception {
        IniFiles.write(conf, "dbs.txt", "sales , hr");
        HbaRules rules = read("local @dbs.txt,ops all md5");
        assertEquals(List.of(), warnings);
        assertEquals(Set.of("sales", "hr", "ops"), rules.rules().get(0).databases().names());
    }

    @Test
    void fileMayHoldKeywords() throws Exception {
        IniFiles.write(conf, "dbs.txt", "sameuser,replication");
        IniFiles.write(conf, "users.txt", "all");
        HbaRules rules = read("local @dbs.txt @users.txt trust");
        assertEquals(new HbaNames(false, true, true, Set.of()), rules.rules().get(0).databases());
        assertEquals(new HbaNames(true, false, false, Set.of()), rules.rules().get(0).users());
        assertEquals(HbaMethod.TRUST, unix(rules, "eve", "eve"));
    }

    @Test
    void absolutePathIsTakenAsItIs() throws Exception {
        Path list = IniFiles.write(dir, "elsewhere.txt", "zed");
        HbaRules rules = read("local all @" + list + " trust");
        assertEquals(Set.of("zed"), rules.rules().get(0).users().names());
    }

    @Test
    void nestedFileIsRelativeToTheFileNamingIt() throws Exception {
        Files.createDirectory(conf.resolve("lists"));
        IniFiles.write(conf, "lists/users.txt", "@more.txt,amy");
        IniFiles.write(conf, "lists/more.txt", "ben");
        HbaRules rules = read("local all @lists/users.txt trust");
        assertEquals(List.of(), warnings);
        assertEquals(Set.of("ben", "amy"), rules.rules().get(0).users().names());
    }

    @Test
    void quotedAtNameIsAPlainName() throws Exception {
        HbaRules rules = read("local all \"@users.txt\" trust");
        assertEquals(Set.of("@users.txt"), rules.rules().get(0).users().names());
        assertEquals(List.of(), warnings);
    }

    @Test
    void missingFileIgnoresTheLine() throws Exception {
        HbaRules rules = read("local all @missing.txt trust", "local all all md5");
        assertEquals(List.of(2), rules.rules().stream().map(HbaRule::line).toList());
        assertEquals(List.of(hba() + ":1: could not read @missing.txt: No such file or directory; the line is ignored"),
                warnings);
    }

    @Test
    void blankOrCommentLineInTheFileIgnoresTheHbaLineAsInPgBouncer() throws Exception {
        IniFiles.write(conf, "blank.txt", "alice", "", "bob");
        IniFiles.write(conf, "comment.txt", "# admins", "alice");
        HbaRules rules = read("local all @blank.txt trust", "local all @comment.txt trust");
        assertEquals(List.of(), rules.rules());
        assertEquals(List.of(
                hba() + ":1: @blank.txt line 2: blank and comment lines are not allowed in a name file;"
                        + " the line is ignored",
                hba() + ":2: @comment.txt line 1: blank and comment lines are not allowed in a name file;"
                        + " the line is ignored"), warnings);
    }

    @Test
    void onlyTheFirstCommaListOfAFileLineCounts() throws Exception {
        IniFiles.write(conf, "users.txt", "alice, bob carol dave", "erin");
        HbaRules rules = read("local all @users.txt trust");
        assertEquals(Set.of("alice", "bob", "erin"), rules.rules().get(0).users().names());
        assertEquals(List.of(hba() + ":1: @users.txt line 1: only the first comma list of a line is read;"
                + " ignoring \"carol dave\""), warnings);
        assertNull(unix(rules, "db", "carol"));
    }

    @Test
    void groupInTheFileIgnoresTheHbaLine() throws Exception {
        IniFiles.write(conf, "users.txt", "+staff");
        read("local all @users.txt trust");
        assertEquals(List.of(hba() + ":1: @users.txt line 1: group names are not supported: +staff;"
                + " the line is ignored"), warnings);
    }

    @Test
    void fileIncludingItselfIgnoresTheLine() throws Exception {
        IniFiles.write(conf, "a.txt", "x,@b.txt");
        IniFiles.write(conf, "b.txt", "@a.txt");
        HbaRules rules = read("local all @a.txt trust");
        assertEquals(List.of(), rules.rules());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).endsWith(": @a.txt includes itself; the line is ignored"), warnings.get(0));
    }

    @Test
    void sameFileTwiceIsNoCycle() throws Exception {
        IniFiles.write(conf, "u.txt", "amy");
        HbaRules rules = read("local @u.txt @u.txt trust");
        assertEquals(List.of(), warnings);
        assertEquals(HbaMethod.TRUST, unix(rules, "amy", "amy"));
    }

    @Test
    void directoryIsNoNameFile() throws Exception {
        read("local all @ trust");
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith(hba() + ":1: could not read @: "), warnings.get(0));
    }
}
