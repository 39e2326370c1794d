package io.pgmux.prepared;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.Pgbench;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code pgbench -M prepared} (each client prepares its statements once, by name, then only binds them) with 100
 * clients through transaction pooling over 10 servers: no transaction fails. Skipped where pgbench is missing.
 *
 * <p>TPC-B-like runs one pgbench thread per client: pgbench prepares each command synchronously before its first use,
 * which blocks the thread, so a thread whose other clients hold servers inside BEGIN ... END while this client waits
 * for a server would wait forever with any transaction pooler.
 */
@ExtendWith(PostgresExtension.class)
class PreparedPgbenchIT {
    private static PgmuxServer pgmux;

    @BeforeAll
    static void start(TestPostgres postgres) throws Exception {
        assumeTrue(ExternalCommand.onPath("pgbench"), "pgbench is not on the PATH");
        pgmux = PgmuxServer.builder(postgres).set("pool_mode", "transaction").set("default_pool_size", "10")
                .set("max_client_conn", "300").start();
        Pgbench.initialize(pgmux.port());
    }

    @AfterAll
    static void stop(TestPostgres postgres) throws Exception {
        if (pgmux == null) {
            return;
        }
        try {
            Pgbench.dropTables(postgres);
        } finally {
            pgmux.close();
        }
    }

    @ParameterizedTest(name = "{0} with {1} threads")
    @CsvSource({"select-only, 2", "tpcb-like, 100"})
    void hundredClientsOverTenServersRunWithoutAFailedTransaction(String script, String threads) throws Exception {
        ExternalCommand.Result run = Pgbench.run(pgmux.port(), Duration.ofMinutes(2),
                "-b", script, "-M", "prepared", "-c", "100", "-j", threads, "-T", "15");
        Pgbench.assertRanWithoutFailure(run, 100);
    }
}
