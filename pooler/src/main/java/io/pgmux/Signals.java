package io.pgmux;

import io.pgmux.admin.control.ShutdownMode;
import io.pgmux.session.EngineControl;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * PgBouncer's signals: SIGHUP reloads, SIGINT is SHUTDOWN WAIT_FOR_SERVERS, SIGTERM is SHUTDOWN WAIT_FOR_CLIENTS (a
 * second one of either exits at once), SIGUSR1 pauses, SIGUSR2 resumes and SIGQUIT is an immediate SHUTDOWN. HotSpot
 * keeps SIGQUIT for its thread dump, so SIGQUIT reaches pgmux only through the supervising {@link Launcher}, as
 * SIGPWR; and, unless {@code _JAVA_SR_SIGNUM} moves it (packaging/pgmux does), HotSpot keeps SIGUSR2 for suspending
 * threads. A signal that cannot be handled is logged with the admin command to use instead.
 */
final class Signals {
    private static final Logger LOG = Logger.getLogger(Signals.class.getName());
    /** Signals HotSpot does not take over when they were ignored at start (nohup, a background job). */
    private static final Set<String> LEFT_IGNORED = Set.of("HUP", "INT", "TERM");
    /** SIGUSR2's number on Linux, HotSpot's default thread suspend/resume signal. */
    private static final String SIGUSR2 = "12";

    private Signals() {
    }

    /**
     * Handles every signal the JVM lets go; {@code reload} re-reads the config files, and systemd hears of reloads
     * and shutdowns as PgBouncer tells it.
     */
    static void install(EngineControl control, Runnable reload, SystemdNotifier systemd) {
        handle("HUP", "RELOAD", () -> {
            LOG.info("got SIGHUP, re-reading config");
            systemd.reloading();
            reload.run();
            systemd.ready();
        });
        handle("INT", "SHUTDOWN WAIT_FOR_SERVERS", () -> {
            systemd.stopping();
            exit(control.onShutdownSignal("SIGINT", ShutdownMode.WAIT_FOR_SERVERS));
        });
        handle("TERM", "SHUTDOWN WAIT_FOR_CLIENTS", () -> {
            systemd.stopping();
            exit(control.onShutdownSignal("SIGTERM", ShutdownMode.WAIT_FOR_CLIENTS));
        });
        handle("USR1", "PAUSE", control::onPauseSignal);
        String srSignal = System.getenv("_JAVA_SR_SIGNUM");
        if (srSignal == null || srSignal.isBlank() || srSignal.trim().equals(SIGUSR2)) {
            // Taking it would break the JVM's thread suspension (JFR, profilers).
            LOG.warning("SIGUSR2 is the JVM's thread suspend signal unless _JAVA_SR_SIGNUM moves it, as the "
                    + "packaging/pgmux launcher does: use RESUME on the admin console");
        } else {
            handle("USR2", "RESUME", control::onResumeSignal);
        }
        OptionalLong launcher = Launcher.pid();
        if (launcher.isPresent()) {
            // The launcher passes SIGQUIT on as SIGPWR, a signal HotSpot lets a program handle.
            handle("PWR", "SHUTDOWN", () -> control.shutdownNow("got SIGQUIT, fast exit"));
            exitWithoutLauncher(control, launcher.getAsLong());
        } else {
            LOG.warning("SIGQUIT prints a JVM thread dump and cannot be handled: use SHUTDOWN on the admin console "
                    + "(or a second SIGINT or SIGTERM) to exit at once");
        }
    }

    /**
     * The launcher dead of a signal it could not pass on (SIGKILL) leaves nothing that users can signal, so pgmux
     * then exits at once; the JDK polls a process that is not the JVM's child, so this comes within seconds.
     */
    private static void exitWithoutLauncher(EngineControl control, long pid) {
        ProcessHandle.of(pid).map(ProcessHandle::onExit).orElse(CompletableFuture.completedFuture(null))
                .thenRun(() -> control.shutdownNow("launcher (pid " + pid + ") is gone, fast exit"));
    }

    private static void handle(String name, String command, Runnable action) {
        try {
            SignalHandler previous = Signal.handle(new Signal(name), signal -> action.run());
            if (previous == SignalHandler.SIG_IGN && LEFT_IGNORED.contains(name)) {
                LOG.warning("SIG" + name + " was ignored by the program that started pgmux (nohup, a background "
                        + "job), so it stays ignored: use " + command + " on the admin console");
            }
        } catch (IllegalArgumentException e) {
            LOG.warning("SIG" + name + " cannot be handled here (" + e.getMessage() + "): use " + command
                    + " on the admin console");
        }
    }

    /** A fast exit runs the shutdown hook, which closes pgmux (and removes its pidfile) first. */
    private static void exit(EngineControl.SignalExit exit) {
        switch (exit) {
            case NOW -> System.exit(0);
            case FAILED -> System.exit(1);
            case LATER -> {
            }
        }
    }
}
