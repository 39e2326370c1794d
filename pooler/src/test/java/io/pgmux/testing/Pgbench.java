package io.pgmux.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
