package io.pgmux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same session works on every transport pgmux can choose (those this machine lacks are skipped). */
@ExtendWith(PostgresExtension.class)
class TransportIT {

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void relaysASessionOn(String transport, TestPostgres postgres) throws Exception {
        assumeTrue(!transport.equals("io_uring") || IoUring.isAvailable(), "io_uring not available here");
        assumeTrue(!transport.equals("epoll") || Epoll.isAvailable(), "epoll not available here");
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("transport", transport).start()) {
            assertEquals(transport, pgmux.pgmux().transport().configName());
            try (Connection c = pgmux.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT i, repeat('x', 1000) FROM generate_series(1, 5000) i")) {
                int rows = 0;
                while (rs.next()) {
                    rows++;
                    assertEquals(rows, rs.getInt(1));
                    assertEquals(1000, rs.getString(2).length());
                }
                assertEquals(5000, rows);
            }
            assertTrue(pgmux.dir().resolve(".s.PGSQL." + pgmux.port()).toFile().exists(), "Unix socket is bound");
        }
    }
}
