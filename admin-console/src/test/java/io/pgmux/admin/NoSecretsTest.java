package io.pgmux.admin;

import static io.pgmux.admin.Snapshots.connection;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.admin.view.ClientState;
import io.pgmux.admin.view.ConfigEntry;
import io.pgmux.admin.view.DatabaseSnapshot;
import io.pgmux.admin.view.PoolerView;
import io.pgmux.admin.view.ServerState;
import io.pgmux.admin.view.UserSnapshot;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** No SHOW prints a password or secret, even to an admin. */
class NoSecretsTest {
    private static final String SECRET = "Sup3rS3cret";

    @Test
    void noShowPrintsASecretFromTheConfig() {
        FakePoolerView view = new FakePoolerView();
        view.config = List.of(
                new ConfigEntry("auth_ldap_options", "ldapserver=ldap ldapbindpasswd=" + SECRET, null, true),
                new ConfigEntry("server_tls_key_password", SECRET, null, true),
                new ConfigEntry("auth_user", "pgbouncer", null, true));
        view.clients = List.of(connection(ClientState.ACTIVE, 1, 2L));
        view.servers = List.of(connection(ServerState.ACTIVE, 2, 1L));
        view.databases = List.of(new DatabaseSnapshot("appdb", "db", 5432, "app", "svc", 20, 0, 0, 3600, null,
                null, 0, 1, 0, 1, false, false));
        view.users = List.of(new UserSnapshot("app", 5, null, null, 0, 1, 0, 1));
        AdminExecutor executor = new AdminExecutor(ZoneId.of("UTC"));

        List<String> cells = new ArrayList<>();
        for (ShowSubject subject : ShowSubject.values()) {
            AdminResult result = executor.execute(new AdminCommand.Show(subject), view, new RecordingPoolerControl(),
                    true).toCompletableFuture().join();
            if (result instanceof AdminResult.Rows rows) {
                rows.table().rows().forEach(cells::addAll);
            }
        }
        assertTrue(cells.contains("pgbouncer"), "config values are shown");
        assertFalse(cells.stream().anyMatch(c -> c != null && c.contains(SECRET)), () -> "secret in " + cells);
    }

    @Test
    void noSnapshotCarriesAPasswordOrSecret() {
        Set<Class<?>> records = new LinkedHashSet<>();
        for (Method method : PoolerView.class.getMethods()) {
            collectRecords(method.getGenericReturnType(), records);
        }
        assertTrue(records.size() > 10, () -> "found " + records);
        for (Class<?> record : records) {
            for (RecordComponent component : record.getRecordComponents()) {
                String name = component.getName().toLowerCase(Locale.ROOT);
                assertFalse(name.contains("password") || name.contains("passwd") || name.contains("secret"),
                        record.getSimpleName() + "." + component.getName());
            }
        }
    }

    private static void collectRecords(Type type, Set<Class<?>> records) {
        if (type instanceof ParameterizedType parameterized) {
            collectRecords(parameterized.getRawType(), records);
            for (Type argument : parameterized.getActualTypeArguments()) {
                collectRecords(argument, records);
            }
        } else if (type instanceof Class<?> c && c.isRecord() && records.add(c)) {
            for (RecordComponent component : c.getRecordComponents()) {
                collectRecords(component.getGenericType(), records);
            }
        }
    }
}
