package io.pgmux.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/** Sets up pgmux's logging: stderr unless quiet, plus {@code logfile}, at the verbosity of {@code -v}. */
public final class Logging {
    private static final PgBouncerLogFormatter FORMATTER = new PgBouncerLogFormatter();
    /** The logfile's handler, or null; replaced by {@link #reopen}. */
    private static Handler logfileHandler;
    /** Whether {@link #configure} ran: in-process embedders (tests) keep their own logging. */
    private static boolean configured;

    private Logging() {
    }

    /**
     * @param verbose how many {@code -v} flags (or the {@code verbose} setting): 0 = LOG, 1 = DEBUG, 2+ = NOISE
     * @param quiet   no output to stderr ({@code -q})
     * @param logfile also append to this file, or null
     */
    public static synchronized void configure(int verbose, boolean quiet, String logfile) throws IOException {
        LogManager.getLogManager().reset();
        Level level = verbose <= 0 ? Level.INFO : verbose == 1 ? Level.FINE : Level.FINEST;
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        Logger.getLogger("io.pgmux").setLevel(level);
        if (!quiet) {
            Handler stderr = new ConsoleHandler();
            stderr.setLevel(Level.ALL);
            stderr.setFormatter(FORMATTER);
            root.addHandler(stderr);
        }
        logfileHandler = null;
        configured = true;
        reopen(logfile);
    }

    /**
     * Closes the logfile and opens {@code logfile} (the same path or a new one; null or blank for none), as
     * PgBouncer does at every config load: after logrotate has moved the file away, a SIGHUP starts a new one.
     * Does nothing unless {@link #configure} set up pgmux's logging.
     */
    public static synchronized void reopen(String logfile) throws IOException {
        if (!configured) {
            return;
        }
        Logger root = Logger.getLogger("");
        if (logfileHandler != null) {
            root.removeHandler(logfileHandler);
            logfileHandler.close();
            logfileHandler = null;
        }
        if (logfile != null && !logfile.isBlank()) {
            logfileHandler = new AppendingFileHandler(new FileOutputStream(logfile, true));
            root.addHandler(logfileHandler);
        }
    }

    /**
     * Appends each record to the file at once. Unlike java.util.logging's FileHandler it takes the name as it is
     * (no {@code %} patterns) and leaves no {@code .lck} file beside the log, as PgBouncer's logfile.
     */
    private static final class AppendingFileHandler extends StreamHandler {
        AppendingFileHandler(FileOutputStream out) {
            super(out, FORMATTER);
            setLevel(Level.ALL);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }
    }
}
