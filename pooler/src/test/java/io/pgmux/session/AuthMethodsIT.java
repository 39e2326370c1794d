package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.auth.Md5Password;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each client auth_type against auth_file, combined with each way the server asks pgmux to log in: trust (the
 * superuser), cleartext, md5 and SCRAM-SHA-256.
 */
@ExtendWith(PostgresExtension.class)
class AuthMethodsIT {

    @ParameterizedTest(name = "client {0}, server login of {1}")
    @CsvSource({
        "trust, postgres, ''",
        "plain, scram_user, scram pass 1",
        "plain, plain_user, plain pass",
        "md5, md5_user, md5pass",
        "md5, plain_user, plain pass",
        "scram-sha-256, plain_user, plain pass",
        "scram-sha-256, md5_user, md5pass",
        "scram-sha-256, scram_user, scram pass 1"})
    void logsInOnBothSides(String authType, String user, String password, TestPostgres postgres)
            throws SQLException {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("auth_type", authType).start();
             Connection c = pgmux.connect(PostgresExtension.DATABASE, user, password);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            assertEquals(user, rs.getString(1));
        }
    }

    @Test
    void scramCannotBeCheckedAgainstAnMd5Secret(TestPostgres postgres) {
        String md5Secret = "\"" + PostgresExtension.MD5_USER + "\" \""
                + Md5Password.encrypt(PostgresExtension.MD5_PASSWORD, PostgresExtension.MD5_USER) + "\"\n";
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).userlist(md5Secret).start()) {
            SQLException e = assertThrows(SQLException.class, () -> pgmux.connect(PostgresExtension.DATABASE,
                    PostgresExtension.MD5_USER, PostgresExtension.MD5_PASSWORD));
            assertEquals("08P01", e.getSQLState());
            assertTrue(e.getMessage().contains("SASL authentication failed"), e.getMessage());
        }
    }

    @Test
    void writesAndRemovesThePidfile(TestPostgres postgres) throws Exception {
        Path pidfile = Files.createTempFile("pgmux", ".pid");
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("pidfile", pidfile.toString()).start()) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(pidfile));
        }
        assertTrue(Files.notExists(pidfile), "pidfile removed at shutdown");
    }
}
