package io.pgmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.Pgbench;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL's own clients through pgmux, as a PgBouncer user runs them: psql over TCP and the Unix socket (libpq
 * asks for SSL first and goes on in plain text when refused), and pgbench's initialization and select-only load.
 * Skipped where psql or pgbench is not installed.
 */
@ExtendWith(PostgresExtension.class)
class PsqlPgbenchIT {
    private static final Duration PSQL_TIMEOUT = Duration.ofSeconds(30);
    private static final int PGBENCH_CLIENTS = 10;

    private static PgmuxServer pgmux;

    @BeforeAll
    static void start(TestPostgres postgres) {
        pgmux = PgmuxServer.builder(postgres).set("default_pool_size", String.valueOf(PGBENCH_CLIENTS + 2)).start();
    }

    @AfterAll
    static void stop(TestPostgres postgres) throws Exception {
        try {
            Pgbench.dropTables(postgres);
        } finally {
            pgmux.close();
        }
    }

    @Test
    void psqlOverTcp() throws Exception {
        assumePresent("psql");
        ExternalCommand.Result r = psql("127.0.0.1", "SELECT 1");
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("1\n", r.output());
    }

    @Test
    void psqlOverTheUnixSocket() throws Exception {
        assumePresent("psql");
        ExternalCommand.Result r = psql(pgmux.dir().toString(),
                "SELECT current_user || ' ' || current_database() || ' ' || 6 * 7");
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(PostgresExtension.SCRAM_USER + " " + PostgresExtension.DATABASE + " 42\n", r.output());
    }

    @Test
    void psqlReportsTheServersErrorAndExitCode() throws Exception {
        assumePresent("psql");
        ExternalCommand.Result r = psql("127.0.0.1", "SELECT 1/0");
        assertEquals(1, r.exitCode(), "psql's exit code for a failed command: " + r.output());
        assertTrue(r.output().contains("ERROR:  division by zero"), r.output());
    }

    @Test
    void psqlRunsAScriptWithATransactionAndCopy() throws Exception {
        assumePresent("psql");
        // Each -c runs in turn in one session; a backslash command needs one of its own.
        ExternalCommand.Result r = psql("127.0.0.1",
                "CREATE TEMP TABLE t (id int, v text)",
                "BEGIN; INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 1000) g; COMMIT",
                "\\copy t FROM PROGRAM 'printf \"1001\\tcopied\\n\"'",
                "\\copy (SELECT * FROM t WHERE id <= 3 OR id > 1000 ORDER BY id) TO STDOUT",
                "SELECT count(*), sum(id) FROM t");
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("1\trow 1\n2\trow 2\n3\trow 3\n1001\tcopied\n1001|501501\n", r.output());
    }

    @Test
    void pgbenchInitializesAndRunsTenSessionClientsWithoutFailures() throws Exception {
        assumePresent("pgbench");
        ExternalCommand.Result init = Pgbench.initialize(pgmux.port());
        assertTrue(init.output().contains("done in"), init.output());

        ExternalCommand.Result run = Pgbench.run(pgmux.port(), Duration.ofMinutes(2),
                "-S", "-c", String.valueOf(PGBENCH_CLIENTS), "-j", "2", "-T", "10");
        Pgbench.assertRanWithoutFailure(run, PGBENCH_CLIENTS);
        assertTrue(run.output().contains("scaling factor: 1\n"), "pgbench read the initialized tables");
    }

    /** psql with unaligned, tuples-only output, running each command with -c in one session. */
    private static ExternalCommand.Result psql(String host, String... commands) throws Exception {
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t",
                "-h", host, "-p", String.valueOf(pgmux.port()), "-U", PostgresExtension.SCRAM_USER,
                "-d", PostgresExtension.DATABASE));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        return ExternalCommand.run(PSQL_TIMEOUT, PostgresExtension.SCRAM_PASSWORD, command);
    }

    private static void assumePresent(String program) {
        assumeTrue(ExternalCommand.onPath(program), program + " is not on the PATH");
    }
}
