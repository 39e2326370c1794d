package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.pool.Pool;
import io.pgmux.testing.PgWireClient;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One pooled server serving clients on both event loops (DESIGN §4: a loop with a waiting client and no idle server
 * may take an idle server from another loop). With {@code default_pool_size = 1} and two loops, the server opens on
 * the first client's loop; pgmux accepts connections on its loops in turn, so every other client after that is on
 * the other loop and is relayed through the cross-loop hand-over, for every kind of traffic.
 */
@ExtendWith(PostgresExtension.class)
class CrossLoopIT {
    private static final int CLIENTS = 4;
    private static final int ONE_MIB = 1 << 20;
    private static final int COPY_ROWS = 10_000;

    @Test
    @Timeout(120)
    void oneServerServesClientsOnBothLoops(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("default_pool_size", "1").threads(2).start()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", pgmux.port());
            int backend;
            int serverLoop;
            try (PgWireClient first = PgWireClient.connect(address)) {
                backend = Integer.parseInt(first.query("SELECT pg_backend_pid()").single());
                serverLoop = TestSessions.of(pgmux, first).loopIndex();
                first.terminate();
            }
            Set<Integer> loops = new TreeSet<>();
            List<Integer> otherLoopClients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                try (PgWireClient client = PgWireClient.connect(address)) {
                    int loop = TestSessions.of(pgmux, client).loopIndex();
                    loops.add(loop);
                    if (loop != serverLoop) {
                        otherLoopClients.add(i);
                    }
                    assertEquals(String.valueOf(backend), client.query("SELECT pg_backend_pid()").single(),
                            "client " + i + " (loop " + loop + ") uses the one pooled server");
                    runEveryKindOfTraffic(client);
                    client.terminate();
                }
            }
            assertEquals(Set.of(0, 1), loops, "clients were accepted on both loops");
            assertTrue(otherLoopClients.size() >= 2, "clients on the other loop than the server: " + otherLoopClients);
            Pool pool = pgmux.pgmux().engine().pools().pools().iterator().next();
            assertEquals(1, pool.serverCount(), "still one server");
        }
    }

    @Test
    @Timeout(60)
    void eventLoopsSetsHowManyLoopsCarryTheClients(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("event_loops", "3").threads(0).start()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", pgmux.port());
            Set<Integer> loops = new TreeSet<>();
            for (int i = 0; i < CLIENTS; i++) {
                try (PgWireClient client = PgWireClient.connect(address)) {
                    assertEquals("1", client.query("SELECT 1").single());
                    loops.add(TestSessions.of(pgmux, client).loopIndex());
                    client.terminate();
                }
            }
            assertEquals(Set.of(0, 1, 2), loops, "clients taken in turn by the three loops");
        }
    }

    @Test
    @Timeout(120)
    void clientLeavingMidResultOnTheOtherLoopLeavesThePoolUsable(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("default_pool_size", "1").threads(2).start()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", pgmux.port());
            int serverLoop;
            try (PgWireClient first = PgWireClient.connect(address)) {
                first.query("SELECT 1");
                serverLoop = TestSessions.of(pgmux, first).loopIndex();
                first.terminate();
            }
            try (PgWireClient leaver = PgWireClient.connect(address)) {
                assertTrue(TestSessions.of(pgmux, leaver).loopIndex() != serverLoop, "precondition: on the other loop");
                leaver.sendQuery("SELECT repeat('x', 1000) FROM generate_series(1, 100000)");
                PgWireClient.Message description = leaver.read();
                assertEquals('T', description.type());
                assertEquals('D', leaver.read().type(), "rows are flowing");
            }
            // The server was mid-result: pgmux must close it, not hand it on, and the pool must open another.
            for (int i = 0; i < 2; i++) {
                try (PgWireClient next = PgWireClient.connect(address)) {
                    PgWireClient.Result r = next.query("SELECT count(*) FROM generate_series(1, 1000)");
                    assertEquals("1000", r.single(), "client " + i + " after the leaver");
                    next.terminate();
                }
            }
        }
    }

    /** A 1 MiB value, a 1 MiB multi-row result, errors in and out of a transaction, the extended protocol, COPY. */
    private static void runEveryKindOfTraffic(PgWireClient client) throws IOException {
        String big = client.query("SELECT repeat('x', " + ONE_MIB + ")").single();
        assertEquals(ONE_MIB, big.length());
        assertTrue(big.chars().allMatch(c -> c == 'x'), "the 1 MiB value arrived intact");

        PgWireClient.Result rows = client.query(
                "SELECT g, repeat(chr(65 + g % 26), 1024) FROM generate_series(0, 1023) g");
        assertEquals(1024, rows.rows().size());
        for (int g = 0; g < 1024; g++) {
            assertEquals(String.valueOf(g), rows.rows().get(g).get(0));
            assertEquals(String.valueOf((char) ('A' + g % 26)).repeat(1024), rows.rows().get(g).get(1));
        }
        assertEquals(List.of("SELECT 1024"), rows.commandTags());

        PgWireClient.Result divide = client.query("SELECT 1/0");
        assertEquals("22012", divide.sqlState());
        assertEquals('I', divide.transactionStatus());
        assertEquals("2", client.query("SELECT 2").single(), "the session goes on after an error");

        assertEquals('T', client.query("BEGIN").transactionStatus());
        PgWireClient.Result inTx = client.query("SELECT * FROM no_such_table");
        assertEquals("42P01", inTx.sqlState());
        assertEquals('E', inTx.transactionStatus(), "the transaction is failed");
        assertEquals("25P02", client.query("SELECT 1").sqlState());
        assertEquals('I', client.query("ROLLBACK").transactionStatus());

        PgWireClient.Result extended = client.extendedQuery("SELECT $1::int * 2, upper($2)", "21", "cross");
        assertNull(extended.sqlState());
        assertEquals(List.of(List.of("42", "CROSS")), extended.rows());

        assertNull(client.query("CREATE TEMP TABLE cross_copy (id int, v text)").sqlState());
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < COPY_ROWS; i++) {
            data.append(i).append('\t').append("row ").append(i).append('\n');
        }
        byte[] bytes = data.toString().getBytes(StandardCharsets.UTF_8);
        PgWireClient.Result in = client.copyIn("COPY cross_copy FROM STDIN", bytes, 8192);
        assertNull(in.sqlState(), in.errorMessage());
        assertEquals(List.of("COPY " + COPY_ROWS), in.commandTags());
        PgWireClient.Result out = client.query("COPY (SELECT * FROM cross_copy ORDER BY id) TO STDOUT");
        assertEquals(List.of("COPY " + COPY_ROWS), out.commandTags());
        assertArrayEquals(bytes, out.copyOut(), "COPY out returns what COPY in sent");
        PgWireClient.Result badCopy = client.copyIn("COPY cross_copy FROM STDIN", "not a number\tx\n"
                .getBytes(StandardCharsets.UTF_8), 8192);
        assertEquals("22P02", badCopy.sqlState(), "a COPY the server rejects ends in an error, not a hang");
        assertEquals(String.valueOf(COPY_ROWS), client.query("SELECT count(*) FROM cross_copy").single());
    }

}
