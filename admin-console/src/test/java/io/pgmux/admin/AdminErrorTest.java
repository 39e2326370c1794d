package io.pgmux.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every admin error text is PgBouncer 1.25.2's, with its SQLSTATE. */
class AdminErrorTest {

    @Test
    void textsAreThoseOfAdminC() {
        Map<AdminError, String> expected = new LinkedHashMap<>();
        expected.put(AdminError.invalidCommand("SHOW x"), "invalid command 'SHOW x', use SHOW HELP;");
        expected.put(AdminError.badArguments(), "bad arguments");
        expected.put(AdminError.adminAccessNeeded(), "admin access needed");
        expected.put(AdminError.databaseRequired(), "a database is required");
        expected.put(AdminError.invalidClientPointer(), "invalid client pointer supplied");
        expected.put(AdminError.clientNotFound(), "client not found");
        expected.put(AdminError.noSuchDatabase("d"), "no such database: d");
        expected.put(AdminError.cannotPauseAdminDb("pgbouncer"), "cannot pause admin db: pgbouncer");
        expected.put(AdminError.cannotReconnectAdminDb("pgbouncer"), "cannot reconnect admin db: pgbouncer");
        expected.put(AdminError.cannotDisableAdminDb("pgbouncer"), "cannot disable admin db: pgbouncer");
        expected.put(AdminError.cannotEnableAdminDb("pgbouncer"), "cannot enable admin db: pgbouncer");
        expected.put(AdminError.cannotKillAdminDb("pgbouncer"), "cannot kill admin db: pgbouncer");
        expected.put(AdminError.cannotWaitInAdminDb("pgbouncer"), "cannot wait in admin db: pgbouncer");
        expected.put(AdminError.alreadySuspendedOrPaused(), "already suspended/paused");
        expected.put(AdminError.cannotSuspendWithPausedDatabases(), "cannot suspend with paused databases");
        expected.put(AdminError.poolerShuttingDown(), "pooler is shutting down");
        expected.put(AdminError.poolerNotPausedOrSuspended(), "pooler is not paused/suspended");
        expected.put(AdminError.databaseNotPaused("d"), "database d is not paused");
        expected.put(AdminError.setFailed(), "SET failed");
        expected.put(AdminError.extendedQueryNotSupported(), "extended query protocol not supported by admin console");
        expected.put(AdminError.unsupportedPacketType('d'), "unsupported packet type for admin console: 100");
        expected.forEach((error, text) -> {
            assertEquals(text, error.message());
            assertEquals("08P01", error.sqlState(), text);
        });
    }

    @Test
    void failedReloadIsAConfigFileError() {
        assertEquals(new AdminError("F0000", "RELOAD failed, see logs for additional details"),
                AdminError.reloadFailed());
    }

    @Test
    void noticesAreThoseOfAdminC() {
        assertEquals(new AdminNotice("SET ignored", null), AdminNotice.SET_IGNORED);
        assertEquals("TLS settings could not be applied, still using old configuration",
                AdminNotice.TLS_NOT_APPLIED.message());
    }
}
