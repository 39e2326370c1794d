package io.pgmux.admin.control;

import io.pgmux.admin.AdminError;
import java.util.concurrent.CompletionStage;

/**
 * The actions the admin console asks of the pooler, which implements them.
 *
 * <p>A {@code db} of null means every database. Each method completes when PgBouncer would send CommandComplete,
 * or with {@link ControlResult#refused} carrying the {@link AdminError} PgBouncer sends, checked in the order given
 * here. The caller has already checked that the user is an admin and that the arguments are well formed. A database
 * name is looked up as PgBouncer's {@code find_or_register_database} does (an auto-database from {@code *} counts),
 * except for RESUME and ENABLE, which only find existing ones.
 */
public interface PoolerControl {
    /**
     * PAUSE: close servers as each is released by its pool mode, new clients wait; complete when no server is left.
     * Refusals: {@link AdminError#alreadySuspendedOrPaused}, {@link AdminError#noSuchDatabase},
     * {@link AdminError#cannotPauseAdminDb}.
     */
    CompletionStage<ControlResult> pause(String db);

    /**
     * RESUME: undo PAUSE, SUSPEND or KILL. Without a database: {@link AdminError#poolerShuttingDown},
     * {@link AdminError#poolerNotPausedOrSuspended}; with one: {@link AdminError#noSuchDatabase},
     * {@link AdminError#databaseNotPaused}.
     */
    CompletionStage<ControlResult> resume(String db);

    /**
     * SUSPEND: flush every socket buffer and stop reading; complete once buffers are empty (bounded by
     * {@code suspend_timeout}). Refusals: {@link AdminError#alreadySuspendedOrPaused},
     * {@link AdminError#cannotSuspendWithPausedDatabases}.
     */
    CompletionStage<ControlResult> suspend();

    /**
     * DISABLE db: refuse new clients of db. Refusals: {@link AdminError#noSuchDatabase},
     * {@link AdminError#cannotDisableAdminDb}.
     */
    CompletionStage<ControlResult> disable(String db);

    /**
     * ENABLE db: accept new clients of db again. Refusals: {@link AdminError#noSuchDatabase},
     * {@link AdminError#cannotEnableAdminDb}.
     */
    CompletionStage<ControlResult> enable(String db);

    /**
     * RECONNECT: close each server when it is next released; complete at once. Refusals:
     * {@link AdminError#noSuchDatabase}, {@link AdminError#cannotReconnectAdminDb}.
     */
    CompletionStage<ControlResult> reconnect(String db);

    /**
     * WAIT_CLOSE: complete once no server of db has close_needed set. Refusals: {@link AdminError#noSuchDatabase},
     * {@link AdminError#cannotWaitInAdminDb}.
     */
    CompletionStage<ControlResult> waitClose(String db);

    /**
     * KILL: drop every client and server of db (every database but the admin one when null) now and pause it.
     * Refusals: {@link AdminError#alreadySuspendedOrPaused}, {@link AdminError#noSuchDatabase},
     * {@link AdminError#cannotKillAdminDb}.
     */
    CompletionStage<ControlResult> kill(String db);

    /**
     * KILL_CLIENT: disconnect the client with this SHOW CLIENTS id (read as unsigned) and its server.
     * Refusal: {@link AdminError#clientNotFound}.
     */
    CompletionStage<ControlResult> killClient(long id);

    /**
     * RELOAD: re-read the config file, auth_file and auth_hba_file and the TLS files. Refusal:
     * {@link AdminError#reloadFailed}.
     */
    CompletionStage<ControlResult> reload();

    /** SHUTDOWN in this mode. With {@link ShutdownMode#IMMEDIATE} the stage need never complete. */
    CompletionStage<ControlResult> shutdown(ShutdownMode mode);

    /**
     * SET key = value for a changeable setting. Refusal: {@link AdminError#setFailed}; done with
     * {@link io.pgmux.admin.AdminNotice#TLS_NOT_APPLIED} when a TLS key was stored but could not be applied.
     */
    CompletionStage<ControlResult> set(String key, String value);
}
