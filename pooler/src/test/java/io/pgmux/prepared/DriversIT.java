package io.pgmux.prepared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real drivers other than pgjdbc prepare named statements through transaction pooling over 3 servers: node-postgres
 * named queries and psycopg 3 with prepare_threshold=0 (and a pipeline). The scripts in src/test/drivers check every
 * row; each test runs when its runtime and driver are installed (.ci/run installs them).
 */
@ExtendWith(PostgresExtension.class)
class DriversIT {
    private static final Path DRIVERS = Path.of("src", "test", "drivers");
    private static final String PYTHON = "/usr/bin/python3";
    private static PgmuxServer pgmux;

    @BeforeAll
    static void start(TestPostgres postgres) {
        pgmux = PgmuxServer.builder(postgres).set("pool_mode", "transaction").set("default_pool_size", "3")
                .set("max_client_conn", "200").start();
    }

    @AfterAll
    static void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
    }

    @Test
    void nodePostgresNamedQueries() throws Exception {
        assumeTrue(ExternalCommand.onPath("node"), "node is not on the PATH");
        Path node = DRIVERS.resolve("node");
        assumeTrue(Files.isDirectory(node.resolve("node_modules").resolve("pg")),
                "node-postgres is not installed: npm ci in " + node);
        assertRuns(List.of("node", node.resolve("named-queries.js").toString()), 40, 10, 12);
    }

    @Test
    void psycopgPreparedStatements() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is missing");
        assumeTrue(ExternalCommand.run(Duration.ofMinutes(1), "", List.of(PYTHON, "-c", "import psycopg"))
                .exitCode() == 0, "psycopg 3 is not installed (Debian: python3-psycopg)");
        assertRuns(List.of(PYTHON, DRIVERS.resolve("python").resolve("psycopg_prepared.py").toString()),
                20, 10, 12);
    }

    /** Runs a driver script with the connection and load arguments; it prints "ok <executions>". */
    private static void assertRuns(List<String> program, int clients, int rounds, int texts) throws Exception {
        List<String> command = new ArrayList<>(program);
        command.addAll(List.of(String.valueOf(pgmux.port()), PostgresExtension.SCRAM_USER,
                PostgresExtension.SCRAM_PASSWORD, PostgresExtension.DATABASE, String.valueOf(clients),
                String.valueOf(rounds), String.valueOf(texts)));
        ExternalCommand.Result run = ExternalCommand.run(Duration.ofMinutes(3), PostgresExtension.SCRAM_PASSWORD,
                command);
        assertEquals(0, run.exitCode(), run.output());
        int executions = clients * rounds * texts + (program.get(0).equals(PYTHON) ? clients * texts : 0);
        assertEquals("ok " + executions, run.output().strip(), run.output());
    }
}
