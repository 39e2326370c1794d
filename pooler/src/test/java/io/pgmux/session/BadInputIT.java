package io.pgmux.session;

import static io.pgmux.testing.Refusals.assertErrorThenClose;
import static io.pgmux.testing.Refusals.assertRefused;
import static io.pgmux.testing.Refusals.assertSelectOne;
import static io.pgmux.testing.Refusals.connect;
import static io.pgmux.testing.Refusals.params;
import static io.pgmux.testing.Refusals.selectOne;
import static io.pgmux.testing.RawPgClient.concat;
import static io.pgmux.testing.RawPgClient.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.RawPgClient;
import io.pgmux.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every bad input a client can send, with the error it gets (PgBouncer's SQLSTATE and text) and a check that the
 * pooler still serves another client afterwards.
 */
@ExtendWith(PostgresExtension.class)
class BadInputIT {
    private static final String DB = PostgresExtension.DATABASE;
    private static final String USER = PostgresExtension.SCRAM_USER;
    private static final String PASSWORD = PostgresExtension.SCRAM_PASSWORD;
    private static final String PROTOCOL_VIOLATION = "08P01";
    private static final int PROTOCOL_3_0 = 196608;

    private static TestPostgres postgres;
    /** auth_type scram-sha-256, as most deployments. */
    private static PgmuxServer scram;
    /** auth_type trust, for the raw-socket tests that would otherwise need a SCRAM client. */
    private static PgmuxServer trust;

    @BeforeAll
    static void start(TestPostgres pg) {
        postgres = pg;
        scram = PgmuxServer.builder(pg).start();
        trust = PgmuxServer.builder(pg).set("auth_type", "trust").start();
    }

    @AfterAll
    static void stop() {
        if (scram != null) {
            scram.close();
        }
        if (trust != null) {
            trust.close();
        }
    }

    // ---- database and authentication errors, through pgjdbc ----

    @Test
    void unknownDatabaseIsReportedAfterAuthentication() throws Exception {
        assertRefused(PgBouncerErrors.noSuchDatabase("nosuchdb"), () -> connect(scram, "nosuchdb", USER, PASSWORD));
        assertServesOthers(scram);
    }

    @Test
    void wrongPasswordForUnknownDatabaseGetsThePasswordError() throws Exception {
        assertRefused("SASL authentication failed", () -> connect(scram, "nosuchdb", USER, "wrong"));
        assertRefused("SASL authentication failed", () -> connect(scram, "nosuchdb", "nobody", "wrong"));
        assertServesOthers(scram);
    }

    @Test
    void wrongScramPassword() throws Exception {
        assertRefused("SASL authentication failed", () -> connect(scram, DB, USER, "wrong"));
        assertServesOthers(scram);
    }

    @Test
    void unknownUserGetsTheSameErrorAsAWrongScramPassword() throws Exception {
        assertRefused("SASL authentication failed", () -> connect(scram, DB, "nobody", "wrong"));
        assertServesOthers(scram);
    }

    @Test
    void wrongMd5Password() throws Exception {
        try (PgmuxServer md5 = PgmuxServer.builder(postgres).set("auth_type", "md5").start()) {
            assertRefused("password authentication failed", () -> connect(md5, DB, USER, "wrong"));
            assertRefused("password authentication failed",
                    () -> connect(md5, DB, PostgresExtension.MD5_USER, "wrong"));
            assertRefused("password authentication failed", () -> connect(md5, DB, "nobody", "wrong"));
            assertServesOthers(md5);
            assertSelectOne(connect(md5, DB, PostgresExtension.MD5_USER, PostgresExtension.MD5_PASSWORD));
        }
    }

    @Test
    void wrongPlainPassword() throws Exception {
        try (PgmuxServer plain = PgmuxServer.builder(postgres).set("auth_type", "plain").start()) {
            assertRefused("password authentication failed", () -> connect(plain, DB, USER, "wrong"));
            assertRefused("password authentication failed", () -> connect(plain, DB, "nobody", "wrong"));
            assertServesOthers(plain);
        }
    }

    @Test
    void unknownUserWithTrust() throws Exception {
        assertRefused(PgBouncerErrors.TRUST_FAILED, () -> connect(trust, DB, "nobody", ""));
        assertServesOthers(trust);
    }

    // ---- limits and servers ----

    @Test
    void maxClientConnRefusesTheClientOverTheLimit() throws Exception {
        try (PgmuxServer limited = PgmuxServer.builder(postgres).set("max_client_conn", "2").start()) {
            try (Connection first = connect(limited, DB, USER, PASSWORD)) {
                try (Connection second = connect(limited, DB, USER, PASSWORD)) {
                    assertRefused(PgBouncerErrors.MAX_CLIENT_CONN, () -> connect(limited, DB, USER, PASSWORD));
                    selectOne(first);
                    selectOne(second);
                }
                await(() -> limited.pgmux().engine().clientCount().get() == 1, "the closed clients are uncounted");
                try (Connection third = connect(limited, DB, USER, PASSWORD)) {
                    selectOne(third);
                    selectOne(first);
                }
            }
        }
    }

    @Test
    void unreachableServerFailsItsClientsAndNotTheOtherDatabase() throws Exception {
        int closedPort = PgmuxServer.freePort();
        try (PgmuxServer s = PgmuxServer.builder(postgres)
                .set("server_login_retry", "60")
                .database(DB + " = host=127.0.0.1 port=${pgport}")
                .database("down = host=127.0.0.1 port=" + closedPort + " dbname=" + DB)
                .start()) {
            // The first client waits for the server's login and gets its failure.
            assertRefused(PgBouncerErrors.CONNECT_FAILED, () -> connect(s, "down", USER, PASSWORD));
            // Within server_login_retry, the next one fails at once with the cached error.
            assertRefused("server login has been failing, cached error: connect failed (server_login_retry)",
                    () -> connect(s, "down", USER, PASSWORD));
            assertServesOthers(s);
        }
    }

    // ---- startup parameters ----

    @Test
    void unsupportedStartupParameterFromPgjdbc() throws Exception {
        // pgjdbc sends currentSchema as the startup parameter search_path.
        Properties props = new Properties();
        props.setProperty("currentSchema", "public");
        assertRefused(PgBouncerErrors.unsupportedStartupParameter("search_path"),
                () -> connect(scram, DB, USER, PASSWORD, props));
        assertServesOthers(scram);
    }

    @Test
    void unsupportedStartupParameterFromRawStartup() throws Exception {
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            client.send(RawPgClient.startupMessage(params("user", USER, "database", DB, "search_path", "public")));
            assertErrorThenClose(client, "unsupported startup parameter: search_path");
        }
        assertServesOthers(scram);
    }

    @Test
    void unsupportedParameterInOptions() throws Exception {
        assertRefused(PgBouncerErrors.unsupportedStartupOption("search_path"),
                () -> connect(scram, DB, USER, PASSWORD, options("-c search_path=public")));
        assertServesOthers(scram);
    }

    @Test
    void optionsOtherThanSettingsAreRefused() throws Exception {
        assertRefused(PgBouncerErrors.UNSUPPORTED_OPTIONS, () -> connect(scram, DB, USER, PASSWORD, options("-d 5")));
        assertRefused(PgBouncerErrors.UNSUPPORTED_OPTIONS,
                () -> connect(scram, DB, USER, PASSWORD, options("-c TimeZone")));
        assertServesOthers(scram);
    }

    @Test
    void trackedParametersInOptionsAreApplied() throws Exception {
        // -cname=value and --name=value, with a backslash escaping the next character (a space, or any other).
        try (Connection c = connect(scram, DB, USER, PASSWORD,
                options("-cDateStyle=ISO,\\ DMY   --Time\\Zone=Pacific/Chatham"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('DateStyle'), current_setting('TimeZone')")) {
            assertTrue(rs.next());
            assertEquals("ISO, DMY", rs.getString(1));
            assertEquals("Pacific/Chatham", rs.getString(2));
        }
    }

    @Test
    void ignoreStartupParametersLetsItPass() throws Exception {
        try (PgmuxServer lenient = PgmuxServer.builder(postgres)
                .set("ignore_startup_parameters", "extra_float_digits, search_path").start()) {
            Properties props = new Properties();
            props.setProperty("currentSchema", "public");
            assertSelectOne(connect(lenient, DB, USER, PASSWORD, props));
            assertSelectOne(connect(lenient, DB, USER, PASSWORD, options("-c search_path=public")));
        }
        try (PgmuxServer lenient = PgmuxServer.builder(postgres)
                .set("ignore_startup_parameters", "extra_float_digits, options").start()) {
            assertSelectOne(connect(lenient, DB, USER, PASSWORD, options("-c enable_seqscan=off")));
        }
    }

    @Test
    void startupWithoutUser() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.startupMessage(params("database", DB)));
            assertErrorThenClose(client, PgBouncerErrors.NO_USERNAME);
        }
        assertServesOthers(trust);
    }

    // ---- raw bytes before login ----

    @Test
    void garbageFirstPacket() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertErrorThenClose(client, "bad packet header: '474554202f204854'");
        }
        assertServesOthers(trust);
    }

    @Test
    void oversizedStartupLengthIsRefusedFromTheHeaderAlone() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            // Only the 8-byte header is sent: the error must come without pgmux waiting for (or allocating) 1 MB.
            client.send(ints(1_000_000, PROTOCOL_3_0));
            assertErrorThenClose(client, "bad packet header: '000f424000030000'");
        }
        assertServesOthers(trust);
    }

    @Test
    void negativeStartupLength() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(ints(-1, PROTOCOL_3_0));
            assertErrorThenClose(client, "bad packet header: 'ffffffff00030000'");
        }
        assertServesOthers(trust);
    }

    @Test
    void protocolVersionTwo() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.startupMessage(0x00020000, params("user", USER)));
            assertErrorThenClose(client, "old V2 protocol not supported");
        }
        assertServesOthers(trust);
    }

    @Test
    void startupPacketWithoutTerminator() throws Exception {
        byte[] body = concat(ints(PROTOCOL_3_0), "user\0".getBytes(StandardCharsets.US_ASCII),
                (USER + "\0").getBytes(StandardCharsets.US_ASCII));
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(ints(4 + body.length), body);
            assertErrorThenClose(client, "invalid startup packet layout: expected terminator as last byte");
        }
        assertServesOthers(trust);
    }

    @Test
    void passwordMessageBeforeStartupPacket() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.passwordMessage("secret"));
            assertErrorThenClose(client, PgBouncerErrors.PASSWORD_BEFORE_STARTUP);
        }
        assertServesOthers(trust);
    }

    @Test
    void startupPacketResentDuringLogin() throws Exception {
        try (PgmuxServer plain = PgmuxServer.builder(postgres).set("auth_type", "plain").start();
             RawPgClient client = RawPgClient.connect(plain.port())) {
            client.send(RawPgClient.startupMessage(params("user", USER, "database", DB)));
            RawPgClient.Message auth = client.readMessage();
            assertEquals('R', auth.type());
            assertEquals(3, auth.intAt(0), "AuthenticationCleartextPassword");
            client.send(RawPgClient.startupMessage(params("user", USER, "database", DB)));
            assertErrorThenClose(client, PgBouncerErrors.RESENT_STARTUP);
            assertServesOthers(plain);
        }
    }

    @Test
    void oversizedPasswordMessageDuringLogin() throws Exception {
        try (PgmuxServer plain = PgmuxServer.builder(postgres).set("auth_type", "plain").start();
             RawPgClient client = RawPgClient.connect(plain.port())) {
            client.send(RawPgClient.startupMessage(params("user", USER, "database", DB)));
            assertEquals('R', client.readMessage().type());
            // Only the 5-byte header of a 1 MB PasswordMessage: refused from the header alone.
            client.send(new byte[] {'p'}, ints(1_000_000));
            assertErrorThenClose(client, "bad packet header: '70000f4240'");
            assertServesOthers(plain);
        }
    }

    @Test
    void partialStartupPacketTimesOut() throws Exception {
        try (PgmuxServer s = PgmuxServer.builder(postgres).set("client_login_timeout", "1").start();
             RawPgClient client = RawPgClient.connect(s.port())) {
            client.send(new byte[] {0, 0, 0});
            assertErrorThenClose(client, PgBouncerErrors.CLIENT_LOGIN_TIMEOUT);
            assertServesOthers(s);
        }
    }

    @Test
    void cancelRequestWithUnknownKeyJustCloses() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.cancelRequest(12345, 67890));
            assertTrue(client.closedByPeer(), "closed without a reply");
        }
        assertServesOthers(trust);
    }

    @Test
    void sslRequestIsDeclinedAndLoginContinuesInPlainText() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.sslRequest());
            assertEquals('N', client.readByte());
            client.login(USER, DB);
            assertEquals("1", client.queryValue("SELECT 1"));
        }
    }

    @Test
    void gssEncRequestIsDeclinedAndLoginContinuesInPlainText() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.gssEncRequest());
            assertEquals('N', client.readByte());
            client.send(RawPgClient.sslRequest());
            assertEquals('N', client.readByte());
            client.login(USER, DB);
            assertEquals("2", client.queryValue("SELECT 2"));
        }
    }

    @Test
    void unencryptedDataAfterSslRequest() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.sslRequest(), RawPgClient.startupMessage(params("user", USER, "database", DB)));
            assertErrorThenClose(client, "received unencrypted data after SSL request");
        }
        assertServesOthers(trust);
    }

    @Test
    void unencryptedDataAfterGssEncRequest() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.gssEncRequest(), RawPgClient.startupMessage(params("user", USER)));
            assertErrorThenClose(client, "received unencrypted data after GSSAPI encryption request");
        }
        assertServesOthers(trust);
    }

    // ---- raw bytes after login ----

    @Test
    void startupPacketAfterLogin() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.login(USER, DB);
            client.send(RawPgClient.startupMessage(params("user", USER, "database", DB)));
            assertErrorThenClose(client, PgBouncerErrors.UNKNOWN_PACKET);
        }
        assertServesOthers(trust);
    }

    @Test
    void passwordMessageAfterLogin() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.login(USER, DB);
            client.send(RawPgClient.passwordMessage("late"));
            assertErrorThenClose(client, PgBouncerErrors.UNKNOWN_PACKET);
        }
        assertServesOthers(trust);
    }

    @Test
    void garbageAfterLoginInTheSameSegmentAsAQuery() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.login(USER, DB);
            client.send(RawPgClient.query("SELECT 1"), "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawPgClient.ErrorResponse error = null;
            while (error == null) {
                RawPgClient.Message m = client.readMessage();
                if (m.type() == 'E') {
                    error = RawPgClient.ErrorResponse.parse(m.body());
                }
            }
            assertEquals(PROTOCOL_VIOLATION, error.sqlState());
            assertEquals(PgBouncerErrors.UNKNOWN_PACKET, error.message());
            while (!client.closedByPeer()) {
                // whatever the server answered to the query before the error reached the client
            }
        }
        assertServesOthers(trust);
    }

    @Test
    void invalidMessageLengthAfterLogin() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.login(USER, DB);
            assertEquals("1", client.queryValue("SELECT 1"));
            client.send(new byte[] {'Q', 0, 0, 0, 2});
            assertErrorThenClose(client, "bad packet header: '5100000002'");
        }
        assertServesOthers(trust);
    }

    @Test
    void negativeMessageLengthAfterLogin() throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.login(USER, DB);
            client.send(new byte[] {'d', -1, -1, -1, -1});
            assertErrorThenClose(client, "bad packet header: '64ffffffff'");
        }
        assertServesOthers(trust);
    }

    // ---- helpers ----


    /** pgjdbc's options property: sent as the startup parameter options. */
    private static Properties options(String value) {
        Properties props = new Properties();
        props.setProperty("options", value);
        return props;
    }





    /** Another client of the same pgmux logs in and runs SELECT 1. */
    private static void assertServesOthers(PgmuxServer server) throws SQLException {
        assertSelectOne(connect(server, DB, USER, PASSWORD));
    }



    /** Polls a condition for up to 10 seconds. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(10);
        }
    }
}
