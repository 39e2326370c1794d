package io.pgmux.log;

import java.io.IOException;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** Sets up pgmux's logging: stderr unless quiet, plus {@code logfile}, at the verbosity of {@code -v}. */
public final class Logging {
    private Logging() {
    }

    /**
     * @param verbose how many {@code -v} flags (or the {@code verbose} setting): 0 = LOG, 1 = DEBUG, 2+ = NOISE
     * @param quiet   no output to stderr ({@code -q})
     * @param logfile also append to this file, or null
     */
    public static void configure(int verbose, boolean quiet, String logfile) throws IOException {
        LogManager.getLogManager().reset();
        Level level = verbose <= 0 ? Level.INFO : verbose == 1 ? Level.FINE : Level.FINEST;
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        Logger pgmux = Logger.getLogger("io.pgmux");
        pgmux.setLevel(level);
        PgBouncerLogFormatter formatter = new PgBouncerLogFormatter();
        if (!quiet) {
            Handler stderr = new ConsoleHandler();
            stderr.setLevel(Level.ALL);
            stderr.setFormatter(formatter);
            root.addHandler(stderr);
        }
        if (logfile != null && !logfile.isBlank()) {
            Handler file = new FileHandler(logfile, true);
            file.setLevel(Level.ALL);
            file.setFormatter(formatter);
            root.addHandler(file);
        }
    }
}
