package io.pgmux.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The test run's PostgreSQL: its port, the SCRAM verifier of the SCRAM user, and superuser connections. */
public final class TestPostgres implements ExtensionContext.Store.CloseableResource {
    private final EmbeddedPostgres postgres;
    private final String scramSecret;

    TestPostgres(EmbeddedPostgres postgres, String scramSecret) {
        this.postgres = postgres;
        this.scramSecret = scramSecret;
    }

    public int port() {
        return postgres.getPort();
    }

    /** {@code SCRAM-SHA-256$...} of the SCRAM user, exactly as the server stores it. */
    public String scramSecret() {
        return scramSecret;
    }

    /** A direct superuser connection to the test database, bypassing pgmux. */
    public Connection superuser() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port() + "/" + PostgresExtension.DATABASE, "postgres", "");
    }

    /**
     * Backends of {@code user} started at or after {@code since} (PostgreSQL's clock, see {@link #now}): the
     * servers one pgmux instance opened, without those a previous test's instance may still be closing.
     */
    public int backendsSince(Connection monitor, String user, Timestamp since) throws SQLException {
        try (PreparedStatement ps = monitor.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND backend_start >= ?")) {
            ps.setString(1, user);
            ps.setTimestamp(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** What one backend is doing, as pg_stat_activity shows it; all null when there is no such backend. */
    public record Activity(String state, String waitEvent, String query) {
    }

    /** Looks a backend up in pg_stat_activity over {@code superuser} (see {@link #superuser()}). */
    public static Activity activity(Connection superuser, int backendPid) throws SQLException {
        try (PreparedStatement ps = superuser.prepareStatement(
                "SELECT state, wait_event, query FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, backendPid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Activity(rs.getString(1), rs.getString(2), rs.getString(3))
                        : new Activity(null, null, null);
            }
        }
    }

    /** PostgreSQL's current time. */
    public Timestamp now(Connection monitor) throws SQLException {
        try (Statement st = monitor.createStatement(); ResultSet rs = st.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    @Override
    public void close() throws Exception {
        postgres.close();
    }
}
