package io.pgmux;

import java.util.logging.Logger;
import sun.misc.Signal;

/** PgBouncer's signals that the JVM lets a program handle: SIGHUP reloads the config. */
final class Signals {
    private static final Logger LOG = Logger.getLogger(Signals.class.getName());

    private Signals() {
    }

    /** Runs {@code action} on each SIGHUP (off the signal thread's critical path: it only reads files). */
    static void onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), signal -> action.run());
        } catch (IllegalArgumentException e) {
            LOG.warning("SIGHUP cannot be handled here (" + e.getMessage() + "); use RELOAD");
        }
    }
}
