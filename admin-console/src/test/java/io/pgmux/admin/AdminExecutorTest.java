package io.pgmux.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.admin.AdminResult.Completed;
import io.pgmux.admin.AdminResult.Failed;
import io.pgmux.admin.AdminResult.Rows;
import io.pgmux.admin.control.ControlResult;
import io.pgmux.admin.show.Column;
import io.pgmux.admin.show.PgType;
import io.pgmux.admin.view.PoolMode;
import io.pgmux.admin.view.PoolSnapshot;
import io.pgmux.admin.view.StateCounts;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class AdminExecutorTest {
    private static final Failed ADMIN_ACCESS_NEEDED = new Failed(new AdminError("08P01", "admin access needed"));

    private final AdminExecutor executor = new AdminExecutor(ZoneId.of("UTC"));
    private final FakePoolerView view = new FakePoolerView();
    private final RecordingPoolerControl control = new RecordingPoolerControl();

    private CompletionStage<AdminResult> stage(String query, boolean isAdmin) {
        return executor.execute(AdminCommandParser.parse(query), view, control, isAdmin);
    }

    private AdminResult run(String query, boolean isAdmin) {
        CompletableFuture<AdminResult> future = stage(query, isAdmin).toCompletableFuture();
        assertTrue(future.isDone(), "answered at once");
        return future.join();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PAUSE                            | pause(null)                 | PAUSE",
        "pause appdb                      | pause(appdb)                | PAUSE",
        "RESUME                           | resume(null)                | RESUME",
        "RESUME appdb                     | resume(appdb)               | RESUME",
        "SUSPEND                          | suspend()                   | SUSPEND",
        "DISABLE appdb                    | disable(appdb)              | DISABLE",
        "ENABLE appdb                     | enable(appdb)               | ENABLE",
        "RECONNECT                        | reconnect(null)             | RECONNECT",
        "RECONNECT appdb                  | reconnect(appdb)            | RECONNECT",
        "WAIT_CLOSE                       | waitClose(null)             | WAIT_CLOSE",
        "WAIT_CLOSE appdb                 | waitClose(appdb)            | WAIT_CLOSE",
        "KILL                             | kill(null)                  | KILL",
        "KILL appdb                       | kill(appdb)                 | KILL",
        "KILL_CLIENT 7                    | killClient(7)               | KILL_CLIENT",
        "RELOAD                           | reload()                    | RELOAD",
        "SHUTDOWN                         | shutdown(IMMEDIATE)         | SHUTDOWN",
        "SHUTDOWN WAIT_FOR_SERVERS        | shutdown(WAIT_FOR_SERVERS)  | SHUTDOWN",
        "SHUTDOWN WAIT_FOR_CLIENTS        | shutdown(WAIT_FOR_CLIENTS)  | SHUTDOWN",
        "SET log_connections = 1          | set(log_connections, 1)     | SET log_connections=1",
        "set server_check_query = 'SELECT 2' | set(server_check_query, SELECT 2) | SET server_check_query=SELECT 2",
    })
    void adminRunsControlCommandsAndGetsTheirTag(String query, String call, String tag) {
        assertEquals(new Completed(tag, null), run(query, true));
        assertEquals(List.of(call), control.calls);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PAUSE", "RESUME appdb", "SUSPEND", "DISABLE appdb", "ENABLE appdb", "RECONNECT", "WAIT_CLOSE", "KILL",
        "KILL_CLIENT 7", "RELOAD", "SHUTDOWN", "SHUTDOWN WAIT_FOR_CLIENTS", "SET log_connections = 1",
    })
    void statsUserMayNotRunControlCommands(String query) {
        assertEquals(ADMIN_ACCESS_NEEDED, run(query, false));
        assertEquals(List.of(), control.calls);
    }

    @ParameterizedTest
    @EnumSource(value = ShowSubject.class, mode = EnumSource.Mode.EXCLUDE, names = {"HELP", "FDS"})
    void statsUserMayShowAnythingButFds(ShowSubject subject) {
        assertInstanceOf(Rows.class, run("SHOW " + subject.word(), false));
        assertInstanceOf(Rows.class, run("SELECT " + subject.word(), false));
    }

    @Test
    void onlyAdminsMayShowFds() {
        assertEquals(ADMIN_ACCESS_NEEDED, run("SHOW FDS", false));
        assertInstanceOf(Rows.class, run("SHOW FDS", true));
    }

    @Test
    void showHelpIsANoticeForEveryUser() {
        assertEquals(new Completed("SHOW", AdminNotice.HELP), run("SHOW HELP", false));
        assertEquals(new Completed("SHOW", AdminNotice.HELP), run("show help;", true));
    }

    @Test
    void showReadsTheView() {
        view.pools = List.of(new PoolSnapshot("appdb", "app", StateCounts.NONE, 0, PoolMode.SESSION, null));
        Rows rows = assertInstanceOf(Rows.class, run("SHOW POOLS", false));
        assertEquals("appdb", rows.table().rows().get(0).get(0));
        assertEquals("SHOW", Rows.TAG);
    }

    @Test
    void driverParametersAnswerAnyUserWithoutThePooler() {
        Rows rows = assertInstanceOf(Rows.class, run("SHOW client_encoding", false));
        assertEquals(List.of(new Column("client_encoding", PgType.TEXT)), rows.table().columns());
        assertEquals(List.of(List.of("UTF-8")), rows.table().rows());
        assertEquals(new Completed("SET", AdminNotice.SET_IGNORED), run("SET TimeZone = 'UTC'", false));
        assertEquals(new Completed("SET", AdminNotice.SET_IGNORED), run("SET client_encoding TO 'LATIN1'", true));
        assertEquals(List.of(), control.calls);
    }

    @Test
    void passesOnThePoolersRefusal() {
        control.reply = CompletableFuture.completedFuture(ControlResult.refused(AdminError.noSuchDatabase("nodb")));
        assertEquals(new Failed(new AdminError("08P01", "no such database: nodb")), run("PAUSE nodb", true));
    }

    @Test
    void failedReloadCarriesConfigFileError() {
        control.reply = CompletableFuture.completedFuture(ControlResult.refused(AdminError.reloadFailed()));
        assertEquals(new Failed(new AdminError("F0000", "RELOAD failed, see logs for additional details")),
                run("RELOAD", true));
    }

    @Test
    void passesOnThePoolersNotice() {
        control.reply = CompletableFuture.completedFuture(ControlResult.done(AdminNotice.TLS_NOT_APPLIED));
        assertEquals(new Completed("SET client_tls_sslmode=require", AdminNotice.TLS_NOT_APPLIED),
                run("SET client_tls_sslmode = require", true));
    }

    @Test
    void answersWhenThePoolerCompletes() {
        CompletableFuture<ControlResult> drained = new CompletableFuture<>();
        control.reply = drained;
        CompletableFuture<AdminResult> answer = stage("PAUSE", true).toCompletableFuture();
        assertFalse(answer.isDone());
        drained.complete(ControlResult.DONE);
        assertEquals(new Completed("PAUSE", null), answer.join());
    }

    @Test
    void checksAdminRightsBeforeArgumentsWherePgBouncerDoes() {
        assertEquals(ADMIN_ACCESS_NEEDED, run("DISABLE", false));
        assertEquals(ADMIN_ACCESS_NEEDED, run("KILL_CLIENT abc", false));
        assertEquals(new Failed(AdminError.databaseRequired()), run("DISABLE", true));
        assertEquals(new Failed(new AdminError("08P01", "invalid client pointer supplied")),
                run("KILL_CLIENT abc", true));
    }

    @Test
    void reportsSyntaxErrorsToEveryUser() {
        Failed invalid = new Failed(new AdminError("08P01", "invalid command 'RELOAD now', use SHOW HELP;"));
        assertEquals(invalid, run("RELOAD now", false));
        assertEquals(invalid, run("RELOAD now", true));
        assertEquals(new Failed(AdminError.badArguments()), run("SET \"\" = 1", false));
        assertEquals(List.of(), control.calls);
    }
}
