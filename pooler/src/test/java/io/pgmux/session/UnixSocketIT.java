package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.net.Transport;
import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.PgWireClient;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Unix socket listener: {@code .s.PGSQL.<port>} in {@code unix_socket_dir} with {@code unix_socket_mode}, reached
 * by psql with {@code -h <dir>} as with PgBouncer, under every transport; and the peer's OS user id, which pgmux
 * reads from the socket (the admin console's peer check uses it).
 */
@ExtendWith(PostgresExtension.class)
class UnixSocketIT {
    @ParameterizedTest(name = "unix_socket_mode = {0}")
    @CsvSource({
        "0700, rwx------",
        "0660, rw-rw----",
        "0777, rwxrwxrwx",
        // As PgBouncer reads an integer (strtol with base 0): decimal 416 is 0640, 0x1ff is 0777.
        "416, rw-r-----",
        "0x1ff, rwxrwxrwx"})
    void socketFileHasTheConfiguredMode(String mode, String expected, TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("unix_socket_mode", mode).start()) {
            Path socket = socketPath(pgmux);
            assertTrue(Files.exists(socket), socket + " exists");
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(socket);
            assertEquals(expected, PosixFilePermissions.toString(perms));
            assertEquals(PostgresExtension.SCRAM_USER + "\n", psqlOverSocket(pgmux, "SELECT current_user").output());
        }
    }

    @ParameterizedTest(name = "transport {0}")
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void psqlConnectsThroughTheSocketDirectory(String transport, TestPostgres postgres) throws Exception {
        assumeTransport(transport);
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("transport", transport).start()) {
            assertEquals(transport, pgmux.pgmux().transport().configName());
            ExternalCommand.Result r = psqlOverSocket(pgmux,
                    "SELECT current_user || '@' || current_database(), count(*) FROM generate_series(1, 100000)");
            assertEquals(0, r.exitCode(), r.output());
            assertEquals(PostgresExtension.SCRAM_USER + "@" + PostgresExtension.DATABASE + "|100000\n", r.output());
        }
    }

    @ParameterizedTest(name = "transport {0}")
    @ValueSource(strings = {"io_uring", "epoll"})
    void sessionKnowsThePeersUserId(String transport, TestPostgres postgres) throws Exception {
        assumeTransport(transport);
        int myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("transport", transport).start();
             PgWireClient client = PgWireClient.connect(UnixDomainSocketAddress.of(socketPath(pgmux)))) {
            assertEquals("1", client.query("SELECT 1").single());
            assertEquals(myUid, TestSessions.of(pgmux, client).peerUid(),
                    "the uid of this process, read from the socket");
        }
    }

    @Test
    void tcpClientHasNoPeerUserId(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).start();
             PgWireClient client = PgWireClient.connect(new InetSocketAddress("127.0.0.1", pgmux.port()))) {
            assertEquals(-1, TestSessions.of(pgmux, client).peerUid());
        }
    }

    private static Path socketPath(PgmuxServer pgmux) {
        return pgmux.dir().resolve(".s.PGSQL." + pgmux.port());
    }

    private static ExternalCommand.Result psqlOverSocket(PgmuxServer pgmux, String sql) throws Exception {
        assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
        return ExternalCommand.run(Duration.ofSeconds(30), PostgresExtension.SCRAM_PASSWORD, List.of("psql", "-X",
                "-q", "-A", "-t", "-h", pgmux.dir().toString(), "-p", String.valueOf(pgmux.port()),
                "-U", PostgresExtension.SCRAM_USER, "-d", PostgresExtension.DATABASE, "-c", sql));
    }

    private static void assumeTransport(String transport) {
        try {
            Transport.select(transport);
        } catch (IllegalArgumentException e) {
            assumeTrue(false, e.getMessage());
        }
    }
}
