package io.pgmux.testing;

import java.time.Duration;

/** Waits for a condition by polling it, so tests wait for what they need instead of sleeping a guessed time. */
public final class Await {
    private static final long POLL_MILLIS = 10;

    private Await() {
    }

    /** A condition that may need I/O to check. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} when it does not hold within {@code timeout}
     */
    public static void until(Duration timeout, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /**
     * Returns once {@code condition} has held throughout {@code period}: for what must not happen (a client served
     * too early, a server opened past a limit) within a time the janitor runs in.
     *
     * @throws AssertionError naming {@code what} as soon as it does not hold
     */
    public static void during(Duration period, String what, Condition condition) throws Exception {
        long end = System.nanoTime() + period.toNanos();
        do {
            if (!condition.holds()) {
                throw new AssertionError("no longer true: " + what);
            }
            Thread.sleep(POLL_MILLIS);
        } while (System.nanoTime() - end < 0);
    }
}
