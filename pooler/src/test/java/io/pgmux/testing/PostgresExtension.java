package io.pgmux.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real, throwaway PostgreSQL for integration tests: one server per test run on a free port, started on first use
 * and stopped when the run ends. Its pg_hba.conf requires SCRAM for {@link #SCRAM_USER}, md5 for {@link #MD5_USER}
 * and a cleartext password for {@link #PLAIN_USER}; only the superuser may log in without a password. Tests take a
 * {@link TestPostgres} parameter.
 */
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver {
    public static final String SCRAM_USER = "scram_user";
    public static final String SCRAM_PASSWORD = "scram pass 1";
    public static final String MD5_USER = "md5_user";
    public static final String MD5_PASSWORD = "md5pass";
    /** A user the server checks with a cleartext password (pg_hba method {@code password}). */
    public static final String PLAIN_USER = "plain_user";
    public static final String PLAIN_PASSWORD = "plain pass";
    public static final String DATABASE = "pgmuxtest";

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestPostgres.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    private static TestPostgres server(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(TestPostgres.class, k -> start(),
                TestPostgres.class);
    }

    private static TestPostgres start() {
        return start(EmbeddedPostgres.builder(), List.of(
                "local all all trust",
                "host all postgres 127.0.0.1/32 trust",
                "host all postgres ::1/128 trust",
                "host all " + MD5_USER + " 127.0.0.1/32 md5",
                "host all " + PLAIN_USER + " 127.0.0.1/32 password",
                "host all " + MD5_USER + " ::1/128 md5",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256"));
    }

    /**
     * Starts a server from {@code builder} (with the settings every test server has added), creates the users and
     * the test database (and {@code extraDatabases}), and installs {@code hba} as its pg_hba.conf.
     */
    static TestPostgres start(EmbeddedPostgres.Builder builder, List<String> hba, String... extraDatabases) {
        EmbeddedPostgres pg = null;
        try {
            pg = builder
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
            String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
            try (Connection c = DriverManager.getConnection(url, "postgres", "");
                 Statement st = c.createStatement()) {
                st.execute("SET password_encryption = 'scram-sha-256'");
                st.execute("CREATE ROLE " + SCRAM_USER + " LOGIN PASSWORD '" + SCRAM_PASSWORD + "'");
                st.execute("SET password_encryption = 'md5'");
                st.execute("CREATE ROLE " + MD5_USER + " LOGIN PASSWORD '" + MD5_PASSWORD + "'");
                st.execute("CREATE DATABASE " + DATABASE);
                for (String db : extraDatabases) {
                    st.execute("CREATE DATABASE " + db);
                }
                st.execute("CREATE ROLE " + PLAIN_USER + " LOGIN PASSWORD '" + PLAIN_PASSWORD + "'");
                st.execute("GRANT ALL ON DATABASE " + DATABASE + " TO " + SCRAM_USER + ", " + MD5_USER + ", "
                        + PLAIN_USER);
                String scramSecret;
                try (ResultSet rs = st.executeQuery(
                        "SELECT rolpassword FROM pg_authid WHERE rolname = '" + SCRAM_USER + "'")) {
                    rs.next();
                    scramSecret = rs.getString(1);
                }
                Path hbaFile;
                try (ResultSet rs = st.executeQuery("SHOW hba_file")) {
                    rs.next();
                    hbaFile = Path.of(rs.getString(1));
                }
                Files.writeString(hbaFile, String.join("\n", hba) + "\n");
                st.execute("SELECT pg_reload_conf()");
                try (Connection db = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + DATABASE, "postgres", "");
                     Statement dbst = db.createStatement()) {
                    dbst.execute("GRANT ALL ON SCHEMA public TO PUBLIC");
                }
                return new TestPostgres(pg, scramSecret);
            }
        } catch (IOException | SQLException | RuntimeException e) {
            if (pg != null) {
                try {
                    pg.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IllegalStateException("cannot start the test PostgreSQL", e);
        }
    }
}
