package io.pgmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.admin.PgBouncerShowData;
import io.pgmux.admin.PgmuxVersion;
import io.pgmux.admin.show.Column;
import io.pgmux.testing.Console;
import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every SHOW of PgBouncer 1.25.2, asked through pgjdbc's simple-query mode and through psql, answers with
 * PgBouncer's column names, order and types, as transcribed in the admin-console module's test data. A pool
 * client stays connected so the connection lists have rows.
 */
@ExtendWith(PostgresExtension.class)
class AdminShowColumnsIT {
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin pass";
    private static final PgBouncerShowData PGBOUNCER = PgBouncerShowData.load();

    private static PgmuxServer pgmux;
    private static Connection poolClient;

    @BeforeAll
    static void start(TestPostgres postgres) throws SQLException {
        pgmux = PgmuxServer.builder(postgres)
                .set("admin_users", ADMIN)
                .set("auth_type", "plain")
                // pgjdbc sends extra_float_digits at startup; PgBouncer's users list it here for the same reason.
                .set("ignore_startup_parameters", "extra_float_digits")
                .userlist("\"" + ADMIN + "\" \"" + ADMIN_PASSWORD + "\"\n\"" + PostgresExtension.SCRAM_USER + "\" \""
                        + PostgresExtension.SCRAM_PASSWORD + "\"\n")
                .start();
        poolClient = pgmux.connect();
        try (Statement s = poolClient.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        if (poolClient != null) {
            poolClient.close();
        }
        if (pgmux != null) {
            pgmux.close();
        }
    }

    static Stream<Arguments> subjects() {
        return PGBOUNCER.columns().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "SHOW {0}")
    @MethodSource("subjects")
    void pgjdbcInSimpleQueryModeSeesPgBouncersColumns(String subject, List<Column> expected) throws SQLException {
        try (Connection c = adminConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW " + subject.toUpperCase(Locale.ROOT))) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnName(i));
                types.add(meta.getColumnTypeName(i));
            }
            assertEquals(expected.stream().map(Column::name).toList(), names);
            assertEquals(expected.stream().map(col -> col.type().name().toLowerCase(Locale.ROOT)).toList(), types);
            while (rs.next()) {
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    rs.getString(i);
                }
            }
        }
    }

    @ParameterizedTest(name = "SHOW {0}")
    @MethodSource("subjects")
    void psqlSeesPgBouncersColumns(String subject, List<Column> expected) throws Exception {
        assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
        ExternalCommand.Result r = ExternalCommand.run(Duration.ofSeconds(30), ADMIN_PASSWORD, List.of("psql", "-X",
                "--csv", "-h", "127.0.0.1", "-p", String.valueOf(pgmux.port()), "-U", ADMIN, "-d", "pgbouncer",
                "-c", "SHOW " + subject));
        assertEquals(0, r.exitCode(), r.output());
        String header = r.output().lines().findFirst().orElse("");
        assertEquals(String.join(",", expected.stream().map(Column::name).toList()), header);
    }

    @ParameterizedTest(name = "SHOW {0}")
    @MethodSource("parameters")
    void theFakeParametersDriversAskForAnswerAsPgBouncers(String name, String value) throws SQLException {
        try (Connection c = adminConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW " + name)) {
            assertEquals(name, rs.getMetaData().getColumnName(1));
            assertTrue(rs.next());
            assertEquals(value, rs.getString(1));
        }
    }

    @Test
    void selectOfASubjectIsItsShow() throws SQLException {
        try (Connection c = adminConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version")) {
            assertTrue(rs.next());
            assertEquals(PgmuxVersion.text(), rs.getString("version"));
        }
    }

    static Stream<Arguments> parameters() {
        return PGBOUNCER.parameters().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    private static Connection adminConnection() throws SQLException {
        return Console.connect(pgmux, ADMIN, ADMIN_PASSWORD);
    }
}
