package io.pgmux.session;

import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.admin.AdminError;
import io.pgmux.admin.AdminNotice;
import io.pgmux.admin.control.ControlResult;
import io.pgmux.admin.control.PoolerControl;
import io.pgmux.admin.control.ShutdownMode;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.Setting;
import io.pgmux.pool.Pauses;
import io.pgmux.pool.Pool;
import io.pgmux.protocol.PgBouncerErrors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The admin console's actions on a running engine, and the signals that act like them: PAUSE, RESUME, SUSPEND,
 * KILL, WAIT_CLOSE, the SHUTDOWN modes, RELOAD, SET, RECONNECT, DISABLE/ENABLE and KILL_CLIENT, each refused and
 * logged as PgBouncer 1.25 does.
 */
public final class EngineControl implements PoolerControl {
    private static final Logger LOG = Logger.getLogger(EngineControl.class.getName());
    /** How often a SUSPEND checks that an admin console client is still there to RESUME it. */
    private static final long SUSPENDED_ADMIN_CHECK_MILLIS = 1000;

    private final Engine engine;
    private final ConfigReloader reloader;
    private final Pausing pausing;
    private final Suspension suspension;
    private final CloseWaits closeWaits;
    private final Stopping stopping;

    /** What a SIGINT or SIGTERM asks of the process. */
    public enum SignalExit {
        /** Nothing: pgmux stops when the shutdown mode's condition holds. */
        LATER,
        /** Exit now with status 0: a second shutdown signal. */
        NOW,
        /** Exit now with status 1: SUSPEND was in progress. */
        FAILED
    }

    /**
     * @param reloader RELOAD and SET
     * @param shutdown stops pgmux; must not be run on an event loop, which it stops
     */
    public EngineControl(Engine engine, ConfigReloader reloader, Runnable shutdown) {
        this.engine = engine;
        this.reloader = reloader;
        this.pausing = new Pausing(engine);
        this.suspension = new Suspension(engine);
        this.closeWaits = new CloseWaits(engine);
        this.stopping = new Stopping(engine, pausing, shutdown);
        engine.pools().pauses().onServerGone(() -> {
            pausing.serverGone();
            closeWaits.serverGone();
        });
    }

    private Pauses pauses() {
        return engine.pools().pauses();
    }

    @Override
    public CompletionStage<ControlResult> pause(String db) {
        if (pauses().mode() != Pauses.Mode.NONE) {
            return refused(AdminError.alreadySuspendedOrPaused());
        }
        if (db == null) {
            LOG.info("PAUSE command issued");
            if (!pauses().switchMode(Pauses.Mode.NONE, Pauses.Mode.PAUSE)) {
                return refused(AdminError.alreadySuspendedOrPaused());
            }
        } else {
            LOG.info("PAUSE '" + db + "' command issued");
            if (AdminConsole.isAdminDatabase(db)) {
                return refused(AdminError.cannotPauseAdminDb(db));
            }
            if (engine.config().database(db).isEmpty()) {
                return refused(AdminError.noSuchDatabase(db));
            }
            pauses().pauseDatabase(db);
        }
        pausing.closeIdle(db);
        return pausing.awaitDrained(db).thenApply(drained -> ControlResult.DONE);
    }

    @Override
    public CompletionStage<ControlResult> resume(String db) {
        if (db != null) {
            LOG.info("RESUME '" + db + "' command issued");
            if (!exists(db)) {
                return refused(AdminError.noSuchDatabase(db));
            }
            if (!pauses().resumeDatabase(db)) {
                return refused(AdminError.databaseNotPaused(db));
            }
            pausing.resumePools();
            return done();
        }
        LOG.info("RESUME command issued");
        if (engine.shuttingDown()) {
            return refused(AdminError.poolerShuttingDown());
        }
        Pauses.Mode was = pauses().mode(Pauses.Mode.NONE);
        if (was == Pauses.Mode.NONE) {
            return refused(AdminError.poolerNotPausedOrSuspended());
        }
        return resumeAll(was).thenApply(resumed -> ControlResult.DONE);
    }

    /** After the mode went back to NONE from {@code was}: sockets read again after a SUSPEND, waiters get servers. */
    private CompletableFuture<Void> resumeAll(Pauses.Mode was) {
        CompletableFuture<Void> sockets = was == Pauses.Mode.SUSPEND ? suspension.resume()
                : CompletableFuture.completedFuture(null);
        pausing.resumePools();
        return sockets;
    }

    /** A database RESUME can find: configured, paused, or with a pool (an auto-database); the admin one too. */
    private boolean exists(String db) {
        return AdminConsole.isAdminDatabase(db) || engine.config().databases().containsKey(db)
                || pauses().databasePaused(db)
                || engine.pools().pools().stream().anyMatch(p -> db.equals(p.key().database()));
    }

    @Override
    public CompletionStage<ControlResult> suspend() {
        if (pauses().mode() != Pauses.Mode.NONE) {
            return refused(AdminError.alreadySuspendedOrPaused());
        }
        // Suspending must be able to flush every buffer, which a paused database's clients may never do.
        if (pauses().anyDatabasePaused()) {
            return refused(AdminError.cannotSuspendWithPausedDatabases());
        }
        LOG.info("SUSPEND command issued");
        if (!pauses().switchMode(Pauses.Mode.NONE, Pauses.Mode.SUSPEND)) {
            return refused(AdminError.alreadySuspendedOrPaused());
        }
        return suspension.suspend(engine.config().settings().duration(Setting.SUSPEND_TIMEOUT)).thenApply(v -> {
            resumeWhenNoAdminIsLeft();
            return ControlResult.DONE;
        });
    }

    /**
     * Once suspended, listeners accept nobody, so an admin who leaves could never RESUME: as PgBouncer, pgmux
     * resumes by itself when no admin console client is connected any more.
     */
    private void resumeWhenNoAdminIsLeft() {
        AtomicReference<ScheduledFuture<?>> check = new AtomicReference<>();
        check.set(engine.loops()[0].scheduleAtFixedRate(() -> {
            if (pauses().mode() != Pauses.Mode.SUSPEND) {
                check.get().cancel(false);
                return;
            }
            suspension.adminConnected().thenAccept(connected -> {
                if (!connected && pauses().switchMode(Pauses.Mode.SUSPEND, Pauses.Mode.NONE)) {
                    LOG.info("admin disappeared when suspended, doing RESUME");
                    resumeAll(Pauses.Mode.SUSPEND);
                }
            });
        }, SUSPENDED_ADMIN_CHECK_MILLIS, SUSPENDED_ADMIN_CHECK_MILLIS, TimeUnit.MILLISECONDS));
    }

    @Override
    public CompletionStage<ControlResult> disable(String db) {
        if (AdminConsole.isAdminDatabase(db)) {
            return refused(AdminError.cannotDisableAdminDb(db));
        }
        if (engine.config().database(db).isEmpty()) {
            return refused(AdminError.noSuchDatabase(db));
        }
        engine.disabledDatabases().add(db);
        return done();
    }

    @Override
    public CompletionStage<ControlResult> enable(String db) {
        if (AdminConsole.isAdminDatabase(db)) {
            return refused(AdminError.cannotEnableAdminDb(db));
        }
        boolean known = engine.config().databases().containsKey(db) || engine.disabledDatabases().contains(db);
        if (!known) {
            return refused(AdminError.noSuchDatabase(db));
        }
        engine.disabledDatabases().remove(db);
        return done();
    }

    @Override
    public CompletionStage<ControlResult> reconnect(String db) {
        if (db != null) {
            if (AdminConsole.isAdminDatabase(db)) {
                return refused(AdminError.cannotReconnectAdminDb(db));
            }
            if (engine.config().database(db).isEmpty()) {
                return refused(AdminError.noSuchDatabase(db));
            }
        }
        for (Pool pool : engine.pools().pools()) {
            if (db == null || db.equals(pool.key().database())) {
                pool.reconnect();
            }
        }
        return done();
    }

    @Override
    public CompletionStage<ControlResult> waitClose(String db) {
        if (db == null) {
            LOG.info("WAIT_CLOSE command issued");
        } else {
            LOG.info("WAIT_CLOSE '" + db + "' command issued");
            if (AdminConsole.isAdminDatabase(db)) {
                return refused(AdminError.cannotWaitInAdminDb(db));
            }
            if (engine.config().database(db).isEmpty()) {
                return refused(AdminError.noSuchDatabase(db));
            }
        }
        return closeWaits.await(db).thenApply(closed -> ControlResult.DONE);
    }

    @Override
    public CompletionStage<ControlResult> kill(String db) {
        if (pauses().mode() != Pauses.Mode.NONE) {
            return refused(AdminError.alreadySuspendedOrPaused());
        }
        if (db == null) {
            LOG.info("KILL command issued");
            // As PgBouncer: each database with a pool is paused, so a RESUME of all does not undo it.
            engine.pools().pools().forEach(p -> pauses().pauseDatabase(p.key().database()));
        } else {
            LOG.info("KILL '" + db + "' command issued");
            if (AdminConsole.isAdminDatabase(db)) {
                return refused(AdminError.cannotKillAdminDb(db));
            }
            if (engine.config().database(db).isEmpty()) {
                return refused(AdminError.noSuchDatabase(db));
            }
            pauses().pauseDatabase(db);
        }
        return pausing.kill(db).thenApply(killed -> ControlResult.DONE);
    }

    /** Asks every loop to drop its client with this id; refused when none had it. */
    @Override
    public CompletionStage<ControlResult> killClient(long id) {
        return LoopTasks.onEveryLoop(engine.loops(), i -> killOnLoop(i, id)).thenApply(found ->
                found.contains(true) ? ControlResult.DONE : ControlResult.refused(AdminError.clientNotFound()));
    }

    private boolean killOnLoop(int loopIndex, long id) {
        for (ClientSession client : engine.loopClients(loopIndex)) {
            if (client.id() == id && client.snapshot(PgBouncerConfig.ADMIN_DATABASE) != null) {
                client.kill(PgBouncerErrors.ADMIN_FORCED_DISCONNECT);
                return true;
            }
        }
        return false;
    }

    /** Reads the files off the event loops. */
    @Override
    public CompletionStage<ControlResult> reload() {
        return CompletableFuture.supplyAsync(() -> reloader.reload() ? ControlResult.DONE
                : ControlResult.refused(AdminError.reloadFailed()));
    }

    /**
     * SHUTDOWN: pgmux closes from a thread of its own and the reply never comes, as with PgBouncer. The waiting
     * modes answer at once and stop pgmux when their condition holds.
     */
    @Override
    public CompletionStage<ControlResult> shutdown(ShutdownMode mode) {
        if (mode == ShutdownMode.IMMEDIATE) {
            shutdownNow("SHUTDOWN command issued");
            return new CompletableFuture<>();
        }
        LOG.info("SHUTDOWN " + mode.name() + " command issued");
        return beginShutdown(mode).thenApply(closed -> ControlResult.DONE);
    }

    /**
     * The immediate SHUTDOWN, for the admin command and what acts like it (SIGQUIT): logs {@code why} and stops
     * pgmux from a thread of its own; the process then exits with status 0, as PgBouncer's.
     */
    public void shutdownNow(String why) {
        engine.shutdown(ShutdownMode.IMMEDIATE);
        stopping.stop(why);
    }

    /**
     * Stops accepting clients but on the Unix socket, for the admin console; WAIT_FOR_SERVERS also pauses every
     * pool and disconnects the clients waiting for a server. pgmux stops once no server (no client) is left.
     * Completes once the TCP listeners are closed.
     */
    private CompletableFuture<Void> beginShutdown(ShutdownMode mode) {
        engine.shutdown(mode);
        if (mode == ShutdownMode.WAIT_FOR_SERVERS) {
            pauses().dropWaiters();
            Pauses.Mode was = pauses().mode(Pauses.Mode.PAUSE);
            if (was == Pauses.Mode.SUSPEND) {
                // Suspended servers would never be released.
                suspension.resume();
            }
            for (Pool pool : engine.pools().pools()) {
                pool.dropWaiters(PgBouncerErrors.SERVER_SHUTTING_DOWN);
            }
            pausing.closeIdle(null);
        }
        stopping.watch();
        return engine.listeners().closeTcp();
    }

    // ---- signals ----

    /** SIGINT (WAIT_FOR_SERVERS) or SIGTERM (WAIT_FOR_CLIENTS), with PgBouncer's log lines. */
    public SignalExit onShutdownSignal(String signal, ShutdownMode mode) {
        if (engine.shuttingDown()) {
            LOG.info("got " + signal + " while shutting down, fast exit");
            return SignalExit.NOW;
        }
        LOG.info(mode == ShutdownMode.WAIT_FOR_SERVERS
                ? "got " + signal + ", shutting down, waiting for all servers connections to be released"
                : "got " + signal + ", shutting down, waiting for all clients disconnect");
        if (pauses().mode() == Pauses.Mode.SUSPEND) {
            LOG.severe("suspend was in progress, going down immediately");
            return SignalExit.FAILED;
        }
        beginShutdown(mode);
        return SignalExit.LATER;
    }

    /** SIGUSR1: PAUSE of everything, without an answer to wait for. */
    public void onPauseSignal() {
        if (pauses().switchMode(Pauses.Mode.NONE, Pauses.Mode.PAUSE)) {
            LOG.info("got SIGUSR1, pausing all activity");
            pausing.closeIdle(null);
        } else {
            LOG.info("got SIGUSR1, but already paused/suspended");
        }
    }

    /** SIGUSR2: RESUME from PAUSE or SUSPEND. */
    public void onResumeSignal() {
        if (engine.shuttingDown()) {
            LOG.info("got SIGUSR2 while shutting down, ignoring");
            return;
        }
        Pauses.Mode was = pauses().mode(Pauses.Mode.NONE);
        if (was == Pauses.Mode.NONE) {
            LOG.info("got SIGUSR2, but not paused/suspended");
            return;
        }
        LOG.info("got SIGUSR2, continuing from " + was.name());
        resumeAll(was);
    }

    /** Off the event loops too: a TLS key reads its files. */
    @Override
    public CompletionStage<ControlResult> set(String key, String value) {
        return CompletableFuture.supplyAsync(() -> switch (reloader.set(key, value)) {
            case APPLIED -> ControlResult.DONE;
            case TLS_NOT_APPLIED -> ControlResult.done(AdminNotice.TLS_NOT_APPLIED);
            case REFUSED -> ControlResult.refused(AdminError.setFailed());
        });
    }

    private static CompletionStage<ControlResult> refused(AdminError error) {
        return CompletableFuture.completedFuture(ControlResult.refused(error));
    }

    private static CompletionStage<ControlResult> done() {
        return CompletableFuture.completedFuture(ControlResult.DONE);
    }
}
