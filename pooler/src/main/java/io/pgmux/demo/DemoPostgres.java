package io.pgmux.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The throwaway PostgreSQL of {@code pgmux --demo}: an embedded server on a free port with a SCRAM user
 * {@code demo} (password {@code demo}) and a database {@code demo}, plus a pgbouncer.ini and userlist.txt that
 * point pgmux at it.
 */
public final class DemoPostgres implements AutoCloseable {
    public static final String USER = "demo";
    public static final String PASSWORD = "demo";

    private final EmbeddedPostgres postgres;
    private final Path configFile;

    private DemoPostgres(EmbeddedPostgres postgres, Path configFile) {
        this.postgres = postgres;
        this.configFile = configFile;
    }

    /** Starts PostgreSQL and writes the config for pgmux to listen on {@code port}. */
    public static DemoPostgres start(int port) throws IOException, SQLException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("password_encryption", "scram-sha-256")
                .start();
        try {
            DataSource admin = postgres.getPostgresDatabase();
            try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
                st.execute("CREATE DATABASE " + USER + " OWNER " + USER);
            }
            Path dir = Files.createTempDirectory("pgmux-demo");
            Path userlist = dir.resolve("userlist.txt");
            Files.writeString(userlist, "\"" + USER + "\" \"" + PASSWORD + "\"\n");
            Path ini = dir.resolve("pgbouncer.ini");
            Files.writeString(ini, String.join("\n",
                    "[databases]",
                    USER + " = host=127.0.0.1 port=" + postgres.getPort() + " dbname=" + USER,
                    "",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "auth_type = scram-sha-256",
                    "auth_file = " + userlist,
                    "pool_mode = session",
                    "default_pool_size = 20",
                    "max_client_conn = 1000",
                    "ignore_startup_parameters = extra_float_digits",
                    "admin_users = " + USER,
                    ""));
            return new DemoPostgres(postgres, ini);
        } catch (IOException | SQLException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    public Path configFile() {
        return configFile;
    }

    public int postgresPort() {
        return postgres.getPort();
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
