package io.pgmux.testing;

import io.pgmux.Pgmux;
import io.pgmux.config.ConfigLoader;
import io.pgmux.config.PgBouncerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * pgmux started in-process for a test, from a pgbouncer.ini this builder writes to a temporary directory, on a free
 * port, with its Unix socket in that directory. Close it to stop pgmux and remove the files.
 */
public final class PgmuxServer implements AutoCloseable {
    private static final String INI = "pgbouncer.ini";
    private final Pgmux pgmux;
    private final Path dir;
    private final int port;

    private PgmuxServer(Pgmux pgmux, Path dir, int port) {
        this.pgmux = pgmux;
        this.dir = dir;
        this.port = port;
    }

    /** A builder with the defaults most tests want: the test database, scram-sha-256, session pooling. */
    public static Builder builder(TestPostgres postgres) {
        return new Builder(postgres);
    }

    public int port() {
        return port;
    }

    /** The directory holding pgbouncer.ini, userlist.txt and the Unix socket. */
    public Path dir() {
        return dir;
    }

    public Pgmux pgmux() {
        return pgmux;
    }

    /**
     * Rewrites pgbouncer.ini as an operator edits it before RELOAD or SIGHUP: {@code edit} gets the file's text and
     * returns the new text.
     */
    public void editIni(UnaryOperator<String> edit) throws IOException {
        Path ini = dir.resolve(INI);
        Files.writeString(ini, edit.apply(Files.readString(ini)));
    }

    /** A JDBC URL for a database through pgmux. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A pgjdbc connection through pgmux to the test database as the SCRAM user. */
    public Connection connect() throws SQLException {
        return connect(PostgresExtension.DATABASE, PostgresExtension.SCRAM_USER, PostgresExtension.SCRAM_PASSWORD);
    }

    public Connection connect(String database, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("sslmode", "disable");
        return DriverManager.getConnection(url(database), props);
    }

    @Override
    public void close() {
        try {
            pgmux.close();
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free TCP port on the loopback address. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the config files and starts pgmux. */
    public static final class Builder {
        private final TestPostgres postgres;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<String> databases = new ArrayList<>();
        private final List<String> users = new ArrayList<>();
        private String userlist;
        private int threads = 2;

        private Builder(TestPostgres postgres) {
            this.postgres = postgres;
            settings.put("listen_addr", "127.0.0.1");
            settings.put("auth_type", "scram-sha-256");
            settings.put("pool_mode", "session");
            settings.put("ignore_startup_parameters", "extra_float_digits");
            userlist = "\"" + PostgresExtension.SCRAM_USER + "\" \"" + PostgresExtension.SCRAM_PASSWORD + "\"\n"
                    + "\"" + PostgresExtension.MD5_USER + "\" \"" + PostgresExtension.MD5_PASSWORD + "\"\n"
                    + "\"" + PostgresExtension.PLAIN_USER + "\" \"" + PostgresExtension.PLAIN_PASSWORD + "\"\n"
                    + "\"postgres\" \"\"\n";
        }

        /** A {@code [pgbouncer]} setting. */
        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** A {@code [databases]} line; the test database is added when none is given. */
        public Builder database(String line) {
            databases.add(line);
            return this;
        }

        /** A {@code [users]} line. */
        public Builder user(String line) {
            users.add(line);
            return this;
        }

        /** Replaces the userlist.txt content. */
        public Builder userlist(String content) {
            this.userlist = content;
            return this;
        }

        /** Event loop threads (2 by default, so tests cross loops even on one core). */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public PgmuxServer start() {
            Path dir;
            try {
                dir = Files.createTempDirectory("pgmux-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                Path userlistFile = dir.resolve("userlist.txt");
                Files.writeString(userlistFile, userlist);
                int port = freePort();
                StringBuilder ini = new StringBuilder("[databases]\n");
                if (databases.isEmpty()) {
                    ini.append(PostgresExtension.DATABASE).append(" = host=127.0.0.1 port=").append(postgres.port())
                            .append('\n');
                }
                databases.forEach(d -> ini.append(d.replace("${pgport}", String.valueOf(postgres.port())))
                        .append('\n'));
                ini.append("\n[users]\n");
                users.forEach(u -> ini.append(u).append('\n'));
                ini.append("\n[pgbouncer]\n");
                ini.append("listen_port = ").append(port).append('\n');
                ini.append("unix_socket_dir = ").append(dir).append('\n');
                ini.append("auth_file = ").append(userlistFile).append('\n');
                settings.forEach((k, v) -> ini.append(k).append(" = ").append(v).append('\n'));
                Path iniFile = dir.resolve(INI);
                Files.writeString(iniFile, ini);
                PgBouncerConfig config = ConfigLoader.load(iniFile, w -> { });
                return new PgmuxServer(Pgmux.start(config, null, threads), dir, port);
            } catch (Exception e) {
                deleteTree(dir);
                throw new IllegalStateException("cannot start pgmux", e);
            }
        }
    }
}
