package io.pgmux.pool;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pause state every pool obeys, set by the admin console and the signals: PAUSE of the whole pooler or of some
 * databases (KILL leaves its databases paused too), SUSPEND, and the SHUTDOWN WAIT_FOR_SERVERS that drops waiting
 * clients. A paused pool neither hands out nor opens servers, closes each server as it is released, and lets its
 * clients wait. Shared by every event loop: fields are volatile or concurrent, and each is written before the
 * counts it guards are read (see pooler/POOL.md for why no server slips through).
 */
public final class Pauses {
    /** The whole pooler's mode, as PgBouncer's {@code cf_pause_mode}. */
    public enum Mode { NONE, PAUSE, SUSPEND }

    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.NONE);
    private final Set<String> databases = ConcurrentHashMap.newKeySet();
    private volatile boolean dropWaiters;
    /** Told when a server the control may wait for is gone; runs on the server's loop and must not block. */
    private volatile Runnable serverGone = () -> { };

    public Mode mode() {
        return mode.get();
    }

    /** Sets the mode if it is {@code expected}; false when another command changed it first. */
    public boolean switchMode(Mode expected, Mode newMode) {
        return mode.compareAndSet(expected, newMode);
    }

    /** Sets the mode; returns the one it replaces. */
    public Mode mode(Mode newMode) {
        return mode.getAndSet(newMode);
    }

    /** True when no server may be handed to a client of this database. */
    public boolean paused(String database) {
        return mode.get() == Mode.PAUSE || (!databases.isEmpty() && databases.contains(database));
    }

    /** PAUSE db or KILL db; returns false when it was paused already. */
    public boolean pauseDatabase(String database) {
        return databases.add(database);
    }

    /** RESUME db; returns false when it was not paused. */
    public boolean resumeDatabase(String database) {
        return databases.remove(database);
    }

    /** Whether PAUSE db or KILL paused this database (a PAUSE of the whole pooler does not count). */
    public boolean databasePaused(String database) {
        return databases.contains(database);
    }

    public boolean anyDatabasePaused() {
        return !databases.isEmpty();
    }

    /** SHUTDOWN WAIT_FOR_SERVERS: clients that would wait for a server are disconnected instead. */
    public boolean dropsWaiters() {
        return dropWaiters;
    }

    public void dropWaiters() {
        dropWaiters = true;
    }

    /**
     * Set once, by the control, before the first client: run whenever a server of a paused pool, or one marked
     * close_needed, is gone (or a server slot was given back unused because of a pause).
     */
    public void onServerGone(Runnable action) {
        serverGone = action;
    }

    void serverGone() {
        serverGone.run();
    }
}
