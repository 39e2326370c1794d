package io.pgmux.admin;

import io.pgmux.admin.AdminCommand.ControlCommand;
import io.pgmux.admin.AdminCommand.Rejected;
import io.pgmux.admin.AdminCommand.SetIgnored;
import io.pgmux.admin.AdminCommand.Show;
import io.pgmux.admin.AdminCommand.ShowParameter;
import io.pgmux.admin.control.ControlResult;
import io.pgmux.admin.control.PoolerControl;
import io.pgmux.admin.show.ShowCatalog;
import io.pgmux.admin.view.PoolerView;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs one parsed admin command for one admin console user: checks rights as PgBouncer does (admin_users may do
 * everything; stats_users may SHOW anything but FDS, and SET only the ignored driver parameters), then reads the
 * view or asks the pooler.
 */
public final class AdminExecutor {
    private final ShowCatalog shows;

    /** Timestamps of SHOW CLIENTS, SERVERS and SOCKETS print in this zone (PgBouncer prints local time). */
    public AdminExecutor(ZoneId zone) {
        shows = new ShowCatalog(zone);
    }

    /**
     * The answer to {@code command}. A stage failed by the view or the pooler fails the returned stage alike.
     *
     * @param isAdmin whether the user is an admin user (else a stats user)
     */
    public CompletionStage<AdminResult> execute(AdminCommand command, PoolerView view, PoolerControl control,
            boolean isAdmin) {
        if (command instanceof ControlCommand c) {
            return isAdmin ? c.sendTo(control).thenApply(r -> result(c, r)) : failed(AdminError.adminAccessNeeded());
        }
        if (command instanceof Show s) {
            boolean allowed = isAdmin || s.subject() != ShowSubject.FDS;
            return allowed ? shows.show(s.subject(), view) : failed(AdminError.adminAccessNeeded());
        }
        if (command instanceof ShowParameter p) {
            return done(new AdminResult.Rows(ShowCatalog.parameter(p.parameter())));
        }
        if (command instanceof SetIgnored) {
            return done(new AdminResult.Completed("SET", AdminNotice.SET_IGNORED));
        }
        Rejected r = (Rejected) command; // the last kind of AdminCommand
        return failed(r.afterAdminCheck() && !isAdmin ? AdminError.adminAccessNeeded() : r.error());
    }

    private static AdminResult result(ControlCommand command, ControlResult result) {
        if (result instanceof ControlResult.Refused refused) {
            return new AdminResult.Failed(refused.error());
        }
        ControlResult.Done done = (ControlResult.Done) result; // the other kind of ControlResult
        return new AdminResult.Completed(command.tag(), done.notice());
    }

    private static CompletionStage<AdminResult> failed(AdminError error) {
        return done(new AdminResult.Failed(error));
    }

    private static CompletionStage<AdminResult> done(AdminResult result) {
        return CompletableFuture.completedFuture(result);
    }
}
