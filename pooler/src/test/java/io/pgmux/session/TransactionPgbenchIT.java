package io.pgmux.session;

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
 * pgbench with 200 clients through transaction pooling over 20 servers, select-only and TPC-B-like, with the
 * simple and the extended protocol: no transaction fails. Skipped where pgbench is not installed.
 */
@ExtendWith(PostgresExtension.class)
class TransactionPgbenchIT {
    private static PgmuxServer pgmux;

    @BeforeAll
    static void start(TestPostgres postgres) throws Exception {
        assumeTrue(ExternalCommand.onPath("pgbench"), "pgbench is not on the PATH");
        pgmux = PgmuxServer.builder(postgres).set("pool_mode", "transaction").set("default_pool_size", "20")
                .set("max_client_conn", "500").start();
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

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"select-only, simple", "select-only, extended", "tpcb-like, simple", "tpcb-like, extended"})
    void twoHundredClientsRunWithoutAFailedTransaction(String script, String protocol) throws Exception {
        ExternalCommand.Result run = Pgbench.run(pgmux.port(), Duration.ofMinutes(2),
                "-b", script, "-M", protocol, "-c", "200", "-j", "2", "-T", "20");
        Pgbench.assertRanWithoutFailure(run, 200);
    }
}
