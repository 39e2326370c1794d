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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * auth_query through a real auth_user with a SECURITY DEFINER lookup function, as PgBouncer's documentation sets it
 * up: users missing from auth_file log in with the secret PostgreSQL stores (SCRAM pass-through to the SCRAM-only
 * server, md5 for the md5 user), and nothing else gets in.
 */
@ExtendWith(PostgresExtension.class)
class AuthQueryIT {
    private static final String AUTH_USER = "pgmux_auth";
    private static final String AUTH_PASSWORD = "auth pass";
    private static PgmuxServer pgmux;

    @BeforeAll
    static void start(TestPostgres postgres) throws SQLException {
        try (Connection c = postgres.superuser(); Statement st = c.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + AUTH_USER);
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("CREATE ROLE " + AUTH_USER + " LOGIN PASSWORD '" + AUTH_PASSWORD + "'");
            st.execute("DROP ROLE IF EXISTS expired_user");
            st.execute("CREATE ROLE expired_user LOGIN PASSWORD 'expired' VALID UNTIL '2001-01-01'");
            st.execute("DROP ROLE IF EXISTS nologin_user");
            st.execute("CREATE ROLE nologin_user NOLOGIN PASSWORD 'nologin'");
            st.execute("CREATE SCHEMA IF NOT EXISTS pgmux_auth");
            st.execute("CREATE OR REPLACE FUNCTION pgmux_auth.get_auth(p_usename TEXT) "
                    + "RETURNS TABLE(username TEXT, password TEXT) AS $$ "
                    + "SELECT rolname::TEXT, CASE WHEN rolvaliduntil < now() THEN NULL ELSE rolpassword END "
                    + "FROM pg_authid WHERE NOT rolsuper AND rolname = p_usename AND rolcanlogin "
                    + "$$ LANGUAGE sql SECURITY DEFINER");
            st.execute("REVOKE ALL ON FUNCTION pgmux_auth.get_auth(TEXT) FROM PUBLIC");
            st.execute("GRANT USAGE ON SCHEMA pgmux_auth TO " + AUTH_USER);
            st.execute("GRANT EXECUTE ON FUNCTION pgmux_auth.get_auth(TEXT) TO " + AUTH_USER);
        }
        pgmux = withAuthQuery(PgmuxServer.builder(postgres));
    }

    private static PgmuxServer withAuthQuery(PgmuxServer.Builder builder) {
        return builder.userlist("\"" + AUTH_USER + "\" \"" + AUTH_PASSWORD + "\"\n")
                .set("auth_user", AUTH_USER)
                .set("auth_query", "SELECT username, password FROM pgmux_auth.get_auth($1)")
                .start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    @Test
    void scramUserMissingFromAuthFileLogsInWithPassThrough() throws SQLException {
        for (int i = 0; i < 2; i++) {
            assertEquals(PostgresExtension.SCRAM_USER, currentUser(pgmux.connect()));
        }
    }

    @Test
    void md5UserLogsInWithTheQueriedMd5SecretUnderAuthTypeMd5(TestPostgres postgres) throws SQLException {
        // SCRAM cannot be checked against an md5 hash, so md5 users need auth_type md5 (SCRAM users are upgraded).
        try (PgmuxServer md5 = withAuthQuery(PgmuxServer.builder(postgres).set("auth_type", "md5"))) {
            assertEquals(PostgresExtension.MD5_USER, currentUser(md5.connect(PostgresExtension.DATABASE,
                    PostgresExtension.MD5_USER, PostgresExtension.MD5_PASSWORD)));
            assertEquals(PostgresExtension.SCRAM_USER, currentUser(md5.connect()));
        }
    }

    @Test
    void wrongPasswordUnknownExpiredAndNologinUsersGetTheSameError() {
        String[][] attempts = {
            {PostgresExtension.SCRAM_USER, "wrong"},
            {"no_such_user", "whatever"},
            {"expired_user", "expired"},
            {"nologin_user", "nologin"},
            {"x' OR '1'='1", "whatever"},
            {AUTH_USER + "'; DROP TABLE pg_authid; --", "whatever"}};
        for (String[] attempt : attempts) {
            SQLException e = assertThrows(SQLException.class,
                    () -> pgmux.connect(PostgresExtension.DATABASE, attempt[0], attempt[1]).close());
            assertEquals("08P01", e.getSQLState(), attempt[0]);
            assertTrue(e.getMessage().contains("SASL authentication failed"), attempt[0] + ": " + e.getMessage());
        }
    }

    @Test
    void anUnknownUserNeverBecomesTheAuthUser() {
        // CVE-2015-6817: the lookup for an unknown name must not log the client in as auth_user.
        SQLException e = assertThrows(SQLException.class,
                () -> pgmux.connect(PostgresExtension.DATABASE, "unknown_user", AUTH_PASSWORD).close());
        assertEquals("08P01", e.getSQLState());
    }

    private static String currentUser(Connection c) throws SQLException {
        try (c; Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
