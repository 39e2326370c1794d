package io.pgmux;

import static io.pgmux.testing.Sql.assertFatal;
import static io.pgmux.testing.Sql.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.testing.Await;
import io.pgmux.testing.PgWireClient;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.SimpleQueryClient;
import io.pgmux.testing.Sql;
import io.pgmux.testing.TestPostgres;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SHUTDOWN WAIT_FOR_CLIENTS and WAIT_FOR_SERVERS with a client in the middle of a transaction: the transaction
 * completes, new clients are refused (TCP closed; on the Unix socket only the admin console is let in), and pgmux
 * stops when PgBouncer would: once no client is connected, the admin console's included, or once no server is left.
 */
@ExtendWith(PostgresExtension.class)
class ShutdownIT {
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin pass";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** SQLSTATE pgjdbc gives a connection that cannot be made (connection refused). */
    private static final String CANNOT_CONNECT = "08001";
    /** SQLSTATE pgjdbc gives a connection that broke (closed by the other side). */
    private static final String CONNECTION_FAILURE = "08006";

    private static PgmuxServer start(TestPostgres postgres) {
        return PgmuxServer.builder(postgres)
                .set("pool_mode", "transaction")
                .set("auth_type", "plain")
                .set("admin_users", ADMIN)
                .userlist("\"" + PostgresExtension.SCRAM_USER + "\" \"" + PostgresExtension.SCRAM_PASSWORD + "\"\n"
                        + "\"" + ADMIN + "\" \"" + ADMIN_PASSWORD + "\"\n")
                .start();
    }

    @Test
    void waitForClientsServesItsClientsUntilTheLastOneLeaves(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = start(postgres)) {
            SimpleQueryClient admin = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD);
            Connection client = Sql.connect(pgmux);
            client.setAutoCommit(false);
            assertEquals("1", value(client, "SELECT 1"));

            assertEquals("SHUTDOWN", admin.query("SHUTDOWN WAIT_FOR_CLIENTS").tag());
            assertEquals(CANNOT_CONNECT, assertThrows(SQLException.class, () -> Sql.connect(pgmux)).getSQLState(),
                    "TCP no longer listens");
            assertUnixSocketIsForTheAdminConsoleOnly(pgmux);
            assertEquals("pooler is shutting down", admin.query("RESUME").error());

            assertEquals("2", value(client, "SELECT 2"), "the transaction goes on");
            client.commit();
            assertEquals("3", value(client, "SELECT 3"), "and the client after it");
            client.close();
            Await.during(Duration.ofSeconds(1), "the admin console client keeps pgmux up, as in PgBouncer",
                    () -> !pgmux.pgmux().stopped().isDone());
            admin.close();
            Await.until(WAIT, "pgmux stops once no client is left", () -> pgmux.pgmux().stopped().isDone());
        }
    }

    @Test
    void waitForServersLetsTheTransactionEndAndStopsWhenNoServerIsLeft(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = start(postgres); SimpleQueryClient admin = SimpleQueryClient.login(pgmux, ADMIN, ADMIN_PASSWORD);
                Connection inTransaction = Sql.connect(pgmux); Connection idle = Sql.connect(pgmux)) {
            inTransaction.setAutoCommit(false);
            assertEquals("1", value(inTransaction, "SELECT 1"));
            assertEquals("1", value(idle, "SELECT 1"));

            assertEquals("SHUTDOWN", admin.query("SHUTDOWN WAIT_FOR_SERVERS").tag());
            assertEquals("yes", admin.query("SHOW STATE").pairs().get("paused"));
            assertEquals(CANNOT_CONNECT, assertThrows(SQLException.class, () -> Sql.connect(pgmux)).getSQLState());
            assertUnixSocketIsForTheAdminConsoleOnly(pgmux);
            assertFatal(assertThrows(SQLException.class, () -> value(idle, "SELECT 1")),
                    PgBouncerErrors.SERVER_SHUTTING_DOWN);

            assertEquals("2", value(inTransaction, "SELECT 2"), "the transaction keeps its server");
            inTransaction.commit();
            Await.until(WAIT, "pgmux stops once the released server is closed",
                    () -> pgmux.pgmux().stopped().isDone());
            assertEquals(CONNECTION_FAILURE,
                    assertThrows(SQLException.class, () -> value(inTransaction, "SELECT 3")).getSQLState());
        }
    }

    /** Over the Unix socket an admin gets in and a pool client is refused after authentication. */
    private static void assertUnixSocketIsForTheAdminConsoleOnly(PgmuxServer pgmux) throws IOException {
        UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(pgmux.dir().resolve(".s.PGSQL." + pgmux.port()));
        try (PgWireClient admin = PgWireClient.connect(socket, ADMIN, ADMIN_PASSWORD, "pgbouncer")) {
            assertTrue(admin.query("SHOW STATE").rows().contains(List.of("suspended", "no")));
        }
        IOException e = assertThrows(IOException.class, () -> PgWireClient.connect(socket).close());
        assertTrue(e.getMessage().contains(PgBouncerErrors.SHUTTING_DOWN), e.getMessage());
    }
}
