package io.pgmux.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a PostgreSQL client program (psql, pgbench) as a user would, with a clean PG* environment, a time limit, and
 * its output captured to a file so a chatty program can never block on a full pipe. The process is killed if it
 * outlives the limit or the test is interrupted.
 */
public final class ExternalCommand {
    private ExternalCommand() {
    }

    /** How the program ended and what it printed (stdout and stderr together). */
    public record Result(int exitCode, String output) {
    }

    /** True when {@code program} is an executable file in a directory of PATH. */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code command} with {@code PGPASSWORD} set to {@code password} and waits for it to end.
     *
     * @throws AssertionError when it does not end within {@code timeout} (it is killed first)
     */
    public static Result run(Duration timeout, String password, List<String> command)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("pgmux-cmd", ".out");
        Process process = null;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = builder.environment();
            // Only the command line may say where to connect: drop whatever the machine's environment sets.
            env.keySet().removeIf(k -> k.startsWith("PG"));
            env.put("PGPASSWORD", password);
            env.put("PGCONNECT_TIMEOUT", "10");
            process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(command.get(0) + " did not finish within " + timeout + "; output so far:\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(output);
        }
    }
}
