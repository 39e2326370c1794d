package io.pgmux;

import java.util.OptionalLong;

/**
 * The supervising launcher (packaging/pgmux) that runs pgmux as its child: the process users signal, which passes
 * the signals on, and the one the pidfile names. Under systemd's notify protocol it execs the JVM instead.
 */
final class Launcher {
    /** The launcher exports its pid in this variable when it supervises. */
    static final String PID_VARIABLE = "PGMUX_LAUNCHER_PID";

    private Launcher() {
    }

    /** The supervising launcher's pid, or empty when pgmux runs on its own (exec'd, or {@code java -jar}). */
    static OptionalLong pid() {
        String pid = System.getenv(PID_VARIABLE);
        if (pid == null || pid.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(pid.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PID_VARIABLE + " is not a process id: " + pid, e);
        }
    }
}
