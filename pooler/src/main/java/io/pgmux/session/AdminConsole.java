package io.pgmux.session;

import io.pgmux.admin.AdminExecutor;
import io.pgmux.admin.PgmuxVersion;
import io.pgmux.admin.control.PoolerControl;
import io.pgmux.admin.view.PoolerView;
import io.pgmux.config.PgBouncerConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What admin sessions answer with: the command executor, the pooler's view and its controls. */
public record AdminConsole(AdminExecutor executor, PoolerView view, PoolerControl control) {
    /** pgmux's own name for the admin database, taken besides PgBouncer's. */
    public static final String PGMUX_DATABASE = "pgmux";
    /** The user that gets in without a password over the Unix socket from pgmux's own OS user. */
    public static final String UNIX_ADMIN_USER = "pgbouncer";
    /** The longest admin console message taken. */
    public static final int MAX_MESSAGE = 64 * 1024;
    /** The fixed ParameterStatus values PgBouncer's admin_setup sends. */
    public static final Map<String, String> WELCOME = welcome();

    /** Whether a client's database name asks for the admin console. */
    public static boolean isAdminDatabase(String database) {
        return PgBouncerConfig.ADMIN_DATABASE.equals(database) || PGMUX_DATABASE.equals(database);
    }

    private static Map<String, String> welcome() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("server_version", PgmuxVersion.PGBOUNCER_COMPAT + "/bouncer");
        params.put("client_encoding", "UTF8");
        params.put("server_encoding", "UTF8");
        params.put("DateStyle", "ISO");
        params.put("TimeZone", "GMT");
        params.put("standard_conforming_strings", "on");
        params.put("is_superuser", "on");
        return Collections.unmodifiableMap(params);
    }
}
