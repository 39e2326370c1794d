package io.pgmux.session;

import io.netty.channel.EventLoop;
import io.pgmux.admin.AdminError;
import io.pgmux.admin.AdminNotice;
import io.pgmux.admin.control.ControlResult;
import io.pgmux.admin.control.PoolerControl;
import io.pgmux.admin.control.ShutdownMode;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.pool.Pool;
import io.pgmux.protocol.PgBouncerErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The admin console's actions on a running engine: RELOAD, SET, RECONNECT, DISABLE/ENABLE, KILL_CLIENT and SHUTDOWN.
 * The pause family, KILL, WAIT_CLOSE and the waiting SHUTDOWN modes answer that they are not implemented yet.
 */
public final class EngineControl implements PoolerControl {
    /** feature_not_supported. */
    private static final String NOT_SUPPORTED = "0A000";

    private final Engine engine;
    private final ConfigReloader reloader;
    private final Runnable shutdown;

    /**
     * @param reloader RELOAD and SET
     * @param shutdown stops pgmux; must not be run on an event loop, which it stops
     */
    public EngineControl(Engine engine, ConfigReloader reloader, Runnable shutdown) {
        this.engine = engine;
        this.reloader = reloader;
        this.shutdown = shutdown;
    }

    @Override
    public CompletionStage<ControlResult> pause(String db) {
        return notImplemented("PAUSE");
    }

    @Override
    public CompletionStage<ControlResult> resume(String db) {
        return notImplemented("RESUME");
    }

    @Override
    public CompletionStage<ControlResult> suspend() {
        return notImplemented("SUSPEND");
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
        return notImplemented("WAIT_CLOSE");
    }

    @Override
    public CompletionStage<ControlResult> kill(String db) {
        return notImplemented("KILL");
    }

    /** Asks every loop to drop its client with this id; refused when none had it. */
    @Override
    public CompletionStage<ControlResult> killClient(long id) {
        EventLoop[] loops = engine.loops();
        List<CompletableFuture<Boolean>> found = new ArrayList<>(loops.length);
        for (int i = 0; i < loops.length; i++) {
            int index = i;
            CompletableFuture<Boolean> part = new CompletableFuture<>();
            loops[i].execute(() -> part.complete(killOnLoop(index, id)));
            found.add(part);
        }
        return CompletableFuture.allOf(found.toArray(new CompletableFuture<?>[0])).thenApply(v ->
                found.stream().anyMatch(CompletableFuture::join) ? ControlResult.DONE
                        : ControlResult.refused(AdminError.clientNotFound()));
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

    /** SHUTDOWN: pgmux closes from a thread of its own; the reply never comes, as with PgBouncer. */
    @Override
    public CompletionStage<ControlResult> shutdown(ShutdownMode mode) {
        if (mode != ShutdownMode.IMMEDIATE) {
            return notImplemented("SHUTDOWN " + mode.name());
        }
        Thread thread = new Thread(shutdown, "pgmux-shutdown");
        thread.start();
        return new CompletableFuture<>();
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

    private static CompletionStage<ControlResult> notImplemented(String command) {
        return refused(new AdminError(NOT_SUPPORTED, command + " is not implemented in pgmux yet"));
    }

    private static CompletionStage<ControlResult> refused(AdminError error) {
        return CompletableFuture.completedFuture(ControlResult.refused(error));
    }

    private static CompletionStage<ControlResult> done() {
        return CompletableFuture.completedFuture(ControlResult.DONE);
    }
}
