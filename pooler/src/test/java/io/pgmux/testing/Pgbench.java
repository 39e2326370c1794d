package io.pgmux.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs pgbench against pgmux as the SCRAM test user and reads the figures it prints. */
public final class Pgbench {
    private Pgbench() {
    }

    /** Runs {@code pgbench -h 127.0.0.1 -p port -U scram_user <args> pgmuxtest} with a time limit. */
    public static ExternalCommand.Result run(int port, Duration limit, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("pgbench", "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-U", PostgresExtension.SCRAM_USER));
        command.addAll(List.of(args));
        command.add(PostgresExtension.DATABASE);
        return ExternalCommand.run(limit, PostgresExtension.SCRAM_PASSWORD, command);
    }

    /** {@code pgbench -i -s 1}: the tables, at scale 1; fails the test when pgbench does. */
    public static ExternalCommand.Result initialize(int port) throws Exception {
        ExternalCommand.Result init = run(port, Duration.ofMinutes(3), "-i", "-s", "1");
        assertEquals(0, init.exitCode(), init.output());
        return init;
    }

    /** Drops the tables {@link #initialize} made, so later test classes find a clean database. */
    public static void dropTables(TestPostgres postgres) throws SQLException {
        try (Connection c = postgres.superuser(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers");
        }
    }

    /** A run of this many clients ended well: exit 0, every client ran, some transactions and none failed. */
    public static void assertRanWithoutFailure(ExternalCommand.Result run, int clients) {
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("number of clients: " + clients + "\n"), run.output());
        assertEquals(0, failed(run.output()), run.output());
        assertTrue(processed(run.output()) > 0, run.output());
    }

    /** pgbench's "number of failed transactions". */
    public static long failed(String output) {
        return number(output, "number of failed transactions: (\\d+)");
    }

    /** pgbench's "number of transactions actually processed". */
    public static long processed(String output) {
        return number(output, "number of transactions actually processed: (\\d+)");
    }

    private static long number(String output, String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertTrue(m.find(), "no match for " + regex + " in:\n" + output);
        return Long.parseLong(m.group(1));
    }
}
