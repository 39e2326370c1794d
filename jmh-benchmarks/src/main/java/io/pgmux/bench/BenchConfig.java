package io.pgmux.bench;

import io.pgmux.config.ConfigLoader;
import io.pgmux.config.PgBouncerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pgbouncer.ini and userlist.txt the benchmarks run pgmux with: database {@code bench} at a given port, user
 * {@code bench} logging in with trust, servers in plain text (the fake server has no TLS), connection logging off,
 * the rest as given. Written to a temporary directory,
 * which is deleted when the JVM exits.
 */
final class BenchConfig {
    static final String DATABASE = "bench";
    static final String USER = "bench";

    private BenchConfig() {
    }

    /** The StartupMessage parameters of the benchmarks' clients, and of pgmux's servers. */
    static Map<String, String> startupParameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", USER);
        parameters.put("database", DATABASE);
        return parameters;
    }

    /** Loads a config with these {@code [pgbouncer]} settings on top of the benchmark's defaults. */
    static PgBouncerConfig load(int serverPort, Map<String, String> settings) throws Exception {
        Path dir = Files.createTempDirectory("pgmux-bench");
        Path userlist = dir.resolve("userlist.txt");
        Files.writeString(userlist, "\"" + USER + "\" \"\"\n");
        StringBuilder ini = new StringBuilder()
                .append("[databases]\n")
                .append(DATABASE).append(" = host=127.0.0.1 port=").append(serverPort).append('\n')
                .append("[pgbouncer]\n")
                .append("listen_addr = 127.0.0.1\n")
                .append("listen_port = 0\n")
                .append("unix_socket_dir =\n")
                .append("auth_type = trust\n")
                .append("auth_file = ").append(userlist).append('\n')
                .append("server_tls_sslmode = disable\n")
                .append("log_connections = 0\n")
                .append("log_disconnections = 0\n");
        settings.forEach((key, value) -> ini.append(key).append(" = ").append(value).append('\n'));
        Path file = dir.resolve("pgbouncer.ini");
        Files.writeString(file, ini);
        // Deleted in the reverse order of registration: the files, then their directory.
        for (Path p : new Path[] {dir, userlist, file}) {
            p.toFile().deleteOnExit();
        }
        return ConfigLoader.load(file, warning -> { });
    }
}
