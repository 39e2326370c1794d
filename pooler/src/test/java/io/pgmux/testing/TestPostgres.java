package io.pgmux.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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

    @Override
    public void close() throws Exception {
        postgres.close();
    }
}
