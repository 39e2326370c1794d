package io.pgmux.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pgmux as its own process, started as a user starts it: by the launcher the build puts next to the jar
 * ({@code target/pgmux pgbouncer.ini}), or by {@code java -jar} alone. Its output goes to a file the test reads. The
 * process and the JVM the launcher runs as its child are killed on close if they are still running.
 */
public final class PgmuxProcess implements AutoCloseable {
    /** The launcher, copied from packaging/ by the package phase. */
    public static final Path LAUNCHER = Path.of("target", "pgmux");
    /** The jar the package phase builds. */
    public static final Path JAR = Path.of("target", "pgmux.jar");

    private final Process process;
    private final Path log;

    private PgmuxProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Whether the package phase has built the launcher and the jar (integration tests run after it). */
    public static boolean built() {
        return Files.isExecutable(LAUNCHER) && Files.exists(JAR);
    }

    /** Starts {@code target/pgmux ini}, with this JVM's Java; the output goes to pgmux.log beside the ini. */
    public static PgmuxProcess launch(Path ini, Map<String, String> environment) throws IOException {
        return start(List.of(LAUNCHER.toString(), ini.toString()), ini, environment);
    }

    /**
     * Starts {@code java -jar target/pgmux.jar options... ini}, without the launcher's flags. GNU env resets the
     * signals the tests send, which a build run under nohup or as a background job would pass on ignored (the JVM
     * then leaves them ignored); env execs java, so the pid is pgmux's.
     */
    public static PgmuxProcess javaJar(Path ini, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=HUP,INT,TERM,USR1",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(options));
        command.add(ini.toString());
        return start(command, ini, Map.of());
    }

    /**
     * Writes {@code dir/pgbouncer.ini}: the test database on {@code postgres}, pgmux listening on
     * 127.0.0.1:{@code port} with its Unix socket in {@code dir}, then {@code settings}, more {@code [pgbouncer]}
     * lines ({@code "key = value"}).
     *
     * @return the ini's path
     */
    public static Path writeIni(Path dir, TestPostgres postgres, int port, String... settings) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "[databases]",
                PostgresExtension.DATABASE + " = host=127.0.0.1 port=" + postgres.port(),
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir = " + dir));
        lines.addAll(List.of(settings));
        Path ini = dir.resolve("pgbouncer.ini");
        Files.writeString(ini, String.join("\n", lines) + "\n");
        return ini;
    }

    private static PgmuxProcess start(List<String> command, Path ini, Map<String, String> environment)
            throws IOException {
        Path log = ini.resolveSibling("pgmux.log");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("_JAVA_SR_SIGNUM");
        builder.environment().putAll(environment);
        return new PgmuxProcess(builder.start(), log);
    }

    /** The process started: the launcher, or the JVM when the launcher execs it or without the launcher. */
    public long pid() {
        return process.pid();
    }

    /** The program the started process runs now (the JVM once the launcher has exec'd it). */
    public String command() {
        return process.info().command().orElseThrow();
    }

    /** The JVM the supervising launcher runs as its child; its only child once pgmux serves logins. */
    public ProcessHandle child() {
        return process.children().findAny().orElseThrow();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends a signal by name (HUP, INT, ...) with kill(1), as an operator would. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + pid() + " failed");
        }
    }

    /** Everything pgmux wrote so far (its log lines, and what the JVM prints). */
    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits until the output has a line that contains {@code text}. */
    public void awaitOutput(Duration timeout, String text) throws Exception {
        Await.until(timeout, "pgmux to print \"" + text + "\"", () -> output().contains(text));
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("pgmux did not exit within " + timeout + "; output:\n" + output());
        }
        return process.exitValue();
    }

    /** Kills the launcher's child too: SIGKILL is not passed on, and pgmux would notice its launcher gone later. */
    @Override
    public void close() throws Exception {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Await.until(Duration.ofSeconds(10), "pgmux's processes to end",
                () -> descendants.stream().noneMatch(ProcessHandle::isAlive));
    }
}
