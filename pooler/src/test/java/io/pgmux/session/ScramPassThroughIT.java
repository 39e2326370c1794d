package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * userlist.txt holding the server's own SCRAM verifier (as PgBouncer's mkauth.py writes it): no password is stored
 * anywhere, and pgmux logs in to the SCRAM-only server with the ClientKey the client proved.
 */
@ExtendWith(PostgresExtension.class)
class ScramPassThroughIT {

    @Test
    void clientLogsInThroughWithOnlyTheVerifierStored(TestPostgres postgres) throws SQLException {
        String userlist = "\"" + PostgresExtension.SCRAM_USER + "\" \"" + postgres.scramSecret() + "\"\n";
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).userlist(userlist).start()) {
            for (int i = 0; i < 3; i++) {
                try (Connection c = pgmux.connect(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT current_user, 6 * 7")) {
                    assertTrue(rs.next());
                    assertEquals(PostgresExtension.SCRAM_USER, rs.getString(1));
                    assertEquals(42, rs.getInt(2));
                }
            }
            SQLException wrong = assertThrows(SQLException.class, () -> pgmux.connect(PostgresExtension.DATABASE,
                    PostgresExtension.SCRAM_USER, "not the password"));
            assertEquals("08P01", wrong.getSQLState());
            assertTrue(wrong.getMessage().contains("SASL authentication failed"), wrong.getMessage());
        }
    }

    @Test
    void md5AuthTypeUpgradesToScramForAScramVerifier(TestPostgres postgres) throws SQLException {
        String userlist = "\"" + PostgresExtension.SCRAM_USER + "\" \"" + postgres.scramSecret() + "\"\n";
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).userlist(userlist).set("auth_type", "md5").start();
             Connection c = pgmux.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            assertEquals(PostgresExtension.SCRAM_USER, rs.getString(1));
        }
    }
}
