package io.pgmux.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import io.pgmux.testing.TlsPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production setup the TLS issue names, all at once: {@code auth_type = hba}, {@code auth_query} through an
 * {@code auth_user}, {@code client_tls_sslmode = require} and {@code server_tls_sslmode = verify-full}, in front of a
 * PostgreSQL that requires TLS and SCRAM. No password of the client user is stored in pgmux's files.
 */
@ExtendWith(TlsPostgres.Extension.class)
class PgBouncerTlsConfigIT {
    private static final String AUTH_USER = "pgmux_tls_auth";
    private static final String AUTH_PASSWORD = "tls auth pass";

    @Test
    void hbaAuthQueryAndTlsOnBothSidesWorkTogether(TlsPostgres tls, @TempDir Path dir) throws Exception {
        TestPostgres server = tls.server();
        try (Connection c = server.superuser(); Statement st = c.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + AUTH_USER);
            st.execute("SET password_encryption = 'scram-sha-256'");
            st.execute("CREATE ROLE " + AUTH_USER + " LOGIN PASSWORD '" + AUTH_PASSWORD + "'");
            st.execute("CREATE OR REPLACE FUNCTION public.pgmux_get_auth(p_usename TEXT) "
                    + "RETURNS TABLE(username TEXT, password TEXT) AS $$ "
                    + "SELECT rolname::TEXT, CASE WHEN rolvaliduntil < now() THEN NULL ELSE rolpassword END "
                    + "FROM pg_authid WHERE NOT rolsuper AND rolname = p_usename AND rolcanlogin "
                    + "$$ LANGUAGE sql SECURITY DEFINER");
            st.execute("REVOKE ALL ON FUNCTION public.pgmux_get_auth(TEXT) FROM PUBLIC");
            st.execute("GRANT EXECUTE ON FUNCTION public.pgmux_get_auth(TEXT) TO " + AUTH_USER);
        }
        Path hba = dir.resolve("hba.conf");
        Files.writeString(hba, String.join("\n",
                "hostssl all all 127.0.0.1/32 scram-sha-256",
                "host all all 0.0.0.0/0 reject",
                ""));
        try (PgmuxServer pgmux = PgmuxServer.builder(server)
                .userlist("\"" + AUTH_USER + "\" \"" + AUTH_PASSWORD + "\"\n")
                .set("auth_type", "hba").set("auth_hba_file", hba.toString())
                .set("auth_user", AUTH_USER)
                .set("auth_query", "SELECT username, password FROM public.pgmux_get_auth($1)")
                .set("pool_mode", "transaction")
                .set("client_tls_sslmode", "require")
                .set("client_tls_cert_file", tls.certificates().server().cert().toString())
                .set("client_tls_key_file", tls.certificates().server().key().toString())
                .set("server_tls_sslmode", "verify-full")
                .set("server_tls_ca_file", tls.certificates().caCert().toString())
                .start()) {
            Properties props = tlsProps(tls, PostgresExtension.SCRAM_PASSWORD);
            for (int i = 0; i < 3; i++) {
                try (Connection c = DriverManager.getConnection(pgmux.url(PostgresExtension.DATABASE), props);
                     Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT current_user, ssl FROM pg_stat_ssl "
                             + "WHERE pid = pg_backend_pid()")) {
                    assertTrue(rs.next());
                    assertEquals(PostgresExtension.SCRAM_USER, rs.getString(1));
                    assertTrue(rs.getBoolean(2), "pgmux reached PostgreSQL over TLS");
                }
            }
            SQLException wrong = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    pgmux.url(PostgresExtension.DATABASE), tlsProps(tls, "wrong")).close());
            assertEquals("08P01", wrong.getSQLState());
            Properties plain = new Properties();
            plain.setProperty("user", PostgresExtension.SCRAM_USER);
            plain.setProperty("password", PostgresExtension.SCRAM_PASSWORD);
            plain.setProperty("sslmode", "disable");
            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    pgmux.url(PostgresExtension.DATABASE), plain).close());
            assertTrue(refused.getMessage().contains("SSL required"), refused.getMessage());
            assertTrue(List.of(Files.readString(pgmux.dir().resolve("userlist.txt")).split("\n")).stream()
                    .noneMatch(line -> line.contains(PostgresExtension.SCRAM_USER)), "no client secret stored");
        }
    }

    private static Properties tlsProps(TlsPostgres tls, String password) {
        Properties props = new Properties();
        props.setProperty("user", PostgresExtension.SCRAM_USER);
        props.setProperty("password", password);
        props.setProperty("ssl", "true");
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslrootcert", tls.certificates().caCert().toString());
        props.setProperty("sslcert", "");
        props.setProperty("sslkey", "");
        return props;
    }
}
