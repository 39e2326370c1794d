package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** auth_type = hba: each rule's method applies to the connections it matches; no match rejects. */
@ExtendWith(PostgresExtension.class)
class HbaIT {
    @TempDir
    static Path dir;
    private static PgmuxServer pgmux;

    @BeforeAll
    static void start(TestPostgres postgres) throws Exception {
        Path ident = dir.resolve("ident.conf");
        Files.writeString(ident, "local_map root " + PostgresExtension.SCRAM_USER + "\n");
        Path hba = dir.resolve("hba.conf");
        Files.writeString(hba, String.join("\n",
                "# TYPE DATABASE USER ADDRESS METHOD",
                "host all " + PostgresExtension.MD5_USER + " 127.0.0.1/32 md5",
                "host all " + PostgresExtension.PLAIN_USER + " 127.0.0.1/32 password",
                "host all " + PostgresExtension.SCRAM_USER + " 127.0.0.1/32 scram-sha-256",
                "host all postgres 127.0.0.1/32 trust",
                "host " + PostgresExtension.DATABASE + " blocked 127.0.0.1/32 reject",
                "local all all peer map=local_map",
                ""));
        pgmux = PgmuxServer.builder(postgres).set("auth_type", "hba").set("auth_hba_file", hba.toString())
                .set("auth_ident_file", ident.toString())
                .userlist("\"" + PostgresExtension.SCRAM_USER + "\" \"" + PostgresExtension.SCRAM_PASSWORD + "\"\n"
                        + "\"" + PostgresExtension.MD5_USER + "\" \"" + PostgresExtension.MD5_PASSWORD + "\"\n"
                        + "\"" + PostgresExtension.PLAIN_USER + "\" \"" + PostgresExtension.PLAIN_PASSWORD + "\"\n"
                        + "\"postgres\" \"\"\n\"blocked\" \"x\"\n")
                .start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    @Test
    void eachUserLogsInWithItsRulesMethod() throws SQLException {
        assertEquals(PostgresExtension.MD5_USER, currentUser(PostgresExtension.MD5_USER,
                PostgresExtension.MD5_PASSWORD));
        assertEquals(PostgresExtension.PLAIN_USER, currentUser(PostgresExtension.PLAIN_USER,
                PostgresExtension.PLAIN_PASSWORD));
        assertEquals(PostgresExtension.SCRAM_USER, currentUser(PostgresExtension.SCRAM_USER,
                PostgresExtension.SCRAM_PASSWORD));
        assertEquals("postgres", currentUser("postgres", "anything: trust asks for none"));
    }

    @Test
    void wrongPasswordUnderTheRulesMethodFails() {
        SQLException e = assertThrows(SQLException.class,
                () -> pgmux.connect(PostgresExtension.DATABASE, PostgresExtension.MD5_USER, "wrong").close());
        assertEquals("08P01", e.getSQLState());
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
    }

    @Test
    void aRejectRuleAndNoMatchingRuleBothRefuse() {
        for (String user : List.of("blocked", "nobody_matches")) {
            SQLException e = assertThrows(SQLException.class,
                    () -> pgmux.connect(PostgresExtension.DATABASE, user, "x").close());
            assertEquals("08P01", e.getSQLState(), user);
            assertTrue(e.getMessage().contains("login rejected"), user + ": " + e.getMessage());
        }
    }

    @Test
    void peerOverTheUnixSocketUsesTheIdentMap() throws Exception {
        assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
        assumeTrue("root".equals(System.getProperty("user.name")), "the ident map names root");
        ExternalCommand.Result mapped = psql(PostgresExtension.SCRAM_USER);
        assertEquals(0, mapped.exitCode(), mapped.output());
        assertEquals(PostgresExtension.SCRAM_USER + "\n", mapped.output());
        ExternalCommand.Result unmapped = psql(PostgresExtension.MD5_USER);
        assertEquals(2, unmapped.exitCode(), unmapped.output());
        assertTrue(unmapped.output().contains("unix socket login rejected"), unmapped.output());
    }

    private static ExternalCommand.Result psql(String user) throws Exception {
        return ExternalCommand.run(Duration.ofSeconds(30), "", List.of("psql", "-X", "-A", "-t",
                "-h", pgmux.dir().toString(), "-p", String.valueOf(pgmux.port()), "-U", user,
                "-d", PostgresExtension.DATABASE, "-c", "SELECT current_user"));
    }

    private static String currentUser(String user, String password) throws SQLException {
        try (Connection c = pgmux.connect(PostgresExtension.DATABASE, user, password);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
