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
import static org.junit.jupiter.api.Assertions.fail;

import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.testing.Await;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.RawPgClient;
import io.pgmux.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and malformed input from clients and from servers, in the classes of known pooler CVEs: SASL length
 * fields (CVE-2026-6664), a server's over-long SCRAM nonce or iteration count and ErrorResponses without a SQLSTATE
 * or without any field (CVE-2026-6665/6666), over-long user and database names (CVE-2012-4575), quoting of tracked
 * startup parameters, and a flood of wrong-password logins. Each case checks what the client sees, that no
 * exception reached pgmux's logs, and that sessions established on the same pgmux keep working.
 *
 * <p>A PasswordMessage before the startup packet (CVE-2015-4054) and plain text after an SSLRequest (CVE-2021-3935)
 * are covered in {@link BadInputIT#passwordMessageBeforeStartupPacket()} and
 * {@link BadInputIT#unencryptedDataAfterSslRequest()}.
 */
@ExtendWith(PostgresExtension.class)
class HardeningIT {
    private static final String DB = PostgresExtension.DATABASE;
    private static final String USER = PostgresExtension.SCRAM_USER;
    private static final String PASSWORD = PostgresExtension.SCRAM_PASSWORD;
    private static final String FATAL = "FATAL";
    private static final String PROTOCOL_VIOLATION = PgBouncerErrors.PROTOCOL_VIOLATION;
    private static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    private static final int PROTOCOL_3_0 = 196608;
    private static final int AUTH_OK = 0;
    private static final int AUTH_SASL = 10;
    private static final int AUTH_SASL_CONTINUE = 11;
    private static final int AUTH_SASL_FINAL = 12;
    /** A table hostile parameter values try to drop; it must survive them. */
    private static final String CANARY = "hardening_canary";
    /** Bound on every wait for pgmux's answer; a bound only, not a speed requirement. */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(10);

    /** pgmux and Netty log records carrying an exception that is not plain I/O trouble: a handler let it escape. */
    private static final List<LogRecord> UNEXPECTED_EXCEPTIONS = Collections.synchronizedList(new ArrayList<>());
    private static final Logger PGMUX_LOG = Logger.getLogger("io.pgmux");
    private static final Logger NETTY_LOG = Logger.getLogger("io.netty");
    private static final Handler EXCEPTION_CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            Throwable thrown = record.getThrown();
            if (thrown != null && !isIoTrouble(thrown) && !isShutdownNoise(record)) {
                UNEXPECTED_EXCEPTIONS.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private static Level previousPgmuxLevel;

    private static TestPostgres postgres;
    /** auth_type scram-sha-256, as most deployments. */
    private static PgmuxServer scram;
    /** auth_type trust, for raw-socket logins without a SCRAM exchange. */
    private static PgmuxServer trust;
    /** Sessions logged in before any test, which every test's hostile input must leave working. */
    private static Connection establishedScram;
    private static Connection establishedTrust;

    @BeforeAll
    static void start(TestPostgres pg) throws SQLException {
        previousPgmuxLevel = PGMUX_LOG.getLevel();
        // ClientSession and ServerConnection log unexpected exceptions at FINE; capture them.
        PGMUX_LOG.setLevel(Level.FINE);
        PGMUX_LOG.addHandler(EXCEPTION_CAPTURE);
        NETTY_LOG.addHandler(EXCEPTION_CAPTURE);
        postgres = pg;
        try (Connection c = pg.superuser(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + CANARY + " (id int)");
            // Owned by the user pgmux logs in as, so that an injected DROP TABLE would succeed.
            st.execute("ALTER TABLE " + CANARY + " OWNER TO " + USER);
        }
        scram = PgmuxServer.builder(pg).start();
        trust = PgmuxServer.builder(pg).set("auth_type", "trust").start();
        establishedScram = connect(scram, DB, USER, PASSWORD);
        establishedTrust = connect(trust, DB, USER, PASSWORD);
        selectOne(establishedScram);
        selectOne(establishedTrust);
    }

    @AfterAll
    static void stop() throws SQLException {
        try {
            closeQuietly(establishedScram);
            closeQuietly(establishedTrust);
            if (scram != null) {
                scram.close();
            }
            if (trust != null) {
                trust.close();
            }
        } finally {
            PGMUX_LOG.removeHandler(EXCEPTION_CAPTURE);
            NETTY_LOG.removeHandler(EXCEPTION_CAPTURE);
            PGMUX_LOG.setLevel(previousPgmuxLevel);
        }
    }

    /** After every case: no exception escaped, the established sessions work, and new logins too. */
    @AfterEach
    void pgmuxStillServes() throws Exception {
        selectOne(establishedScram);
        selectOne(establishedTrust);
        assertSelectOne(connect(scram, DB, USER, PASSWORD));
        assertSelectOne(connect(trust, DB, USER, PASSWORD));
        assertNoUnexpectedExceptions();
        assertCanaryExists();
    }

    // ---- 1. SASL length fields (CVE-2026-6664 class) ----

    /**
     * SASLInitialResponse whose inner length disagrees with the packet: huge, negative, beyond what remains, or short
     * of it. Refused from the length alone, without waiting for or allocating what it claims.
     */
    @ParameterizedTest(name = "declared length {0}")
    @ValueSource(ints = {0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFFF0, 0x80000000, 10_000, 41, 39, 0})
    void saslInitialResponseWithAnInnerLengthThatDoesNotFitThePacket(int declaredLength) throws Exception {
        byte[] clientFirst = ascii("n,,n=,r=" + "A".repeat(32)); // 40 bytes
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            startSasl(client, USER, DB);
            client.send(saslInitialResponse(declaredLength, clientFirst));
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.SASL_FAILED);
        }
    }

    @Test
    void saslInitialResponseWithoutItsLengthField() throws Exception {
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            startSasl(client, USER, DB);
            // The mechanism is right; the int32 that must follow it is cut to two bytes.
            client.send(RawPgClient.message('p', concat(cstring(SCRAM_SHA_256), new byte[] {0, 0})));
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.SASL_FAILED);
        }
    }

    @Test
    void saslInitialResponseWithoutMechanismTerminator() throws Exception {
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            startSasl(client, USER, DB);
            client.send(RawPgClient.message('p', ascii(SCRAM_SHA_256)));
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.SASL_BAD_MECHANISM);
        }
    }

    @Test
    void saslInitialResponseBeyondTheAuthMessageBound() throws Exception {
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            startSasl(client, USER, DB);
            // Only the header of a 10,001-byte message: refused before anything else arrives.
            client.send(new byte[] {'p'}, ints(10_001));
            assertErrorThenClose(client, PROTOCOL_VIOLATION, "bad packet header: '7000002711'");
        }
    }

    /** SASLResponse (client-final-message) whose length is beyond any bound, or at the bound and full of junk. */
    @ParameterizedTest(name = "declared length {0}")
    @ValueSource(ints = {0x7FFFFFFF, 0xFFFFFFFF, 10_001})
    void saslResponseLongerThanAPacketMayBe(int declaredLength) throws Exception {
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            startSasl(client, USER, DB);
            String nonce = saslFirst(client);
            assertTrue(nonce.length() > 24, nonce);
            client.send(new byte[] {'p'}, ints(declaredLength));
            String header = String.format("70%08x", declaredLength);
            assertErrorThenClose(client, PROTOCOL_VIOLATION, "bad packet header: '" + header + "'");
        }
    }

    @Test
    void saslResponseAtTheBoundFullOfJunk() throws Exception {
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            startSasl(client, USER, DB);
            String nonce = saslFirst(client);
            // 10,000 bytes in all, the longest authentication message pgmux reads.
            byte[] body = ascii("c=biws,r=" + nonce + ",p=" + "A".repeat(10_000 - 4 - 9 - nonce.length() - 3));
            byte[] message = RawPgClient.message('p', body);
            assertEquals(10_001, message.length);
            client.send(message);
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.SASL_FAILED);
        }
    }

    /** What a client pipelines behind a refused SASL message is not processed: the error is the last word. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bad length", "bad nonce"})
    void nothingIsProcessedAfterARefusedSaslMessage(String how) throws Exception {
        byte[] good = ascii("n,,n=,r=" + "B".repeat(24));
        byte[] refused = how.equals("bad length")
                ? saslInitialResponse(-1, good)
                : saslInitialResponse(8, ascii("n,,n=,r="));
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            startSasl(client, USER, DB);
            client.send(refused, saslInitialResponse(good.length, good));
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.SASL_FAILED);
        }
    }

    @Test
    void nothingIsProcessedAfterARefusedPassword() throws Exception {
        try (PgmuxServer plain = PgmuxServer.builder(postgres).set("auth_type", "plain").start();
             RawPgClient client = RawPgClient.connect(plain.port())) {
            client.send(RawPgClient.startupMessage(params("user", USER, "database", DB)));
            RawPgClient.Message request = client.readMessage();
            assertEquals('R', request.type());
            assertEquals(3, request.intAt(0), "AuthenticationCleartextPassword");
            // A wrong password and the right one in one segment: only the first may be checked.
            client.send(RawPgClient.passwordMessage("wrong"), RawPgClient.passwordMessage(PASSWORD));
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.PASSWORD_FAILED);
            // A client let in would have got a pool (and a server) at once.
            assertTrue(plain.pgmux().engine().pools().pools().isEmpty(), "no pool for the refused client");
            assertSelectOne(connect(plain, DB, USER, PASSWORD));
            Await.until(ANSWER_BOUND, "the refused client is uncounted",
                    () -> plain.pgmux().engine().clientCount().get() == 0);
        }
    }

    // ---- 2. hostile servers (CVE-2026-6665/6666 class) ----

    @Test
    void serverSendsAnOverlongScramNonce() throws Exception {
        assertServerLoginFails(peer -> {
            String clientNonce = peer.startScram();
            peer.authentication(AUTH_SASL_CONTINUE, ascii("r=" + clientNonce + "x".repeat(100_000) + ",s="
                    + Base64.getEncoder().encodeToString(new byte[16]) + ",i=4096"));
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "SCRAM authentication with the server failed: SCRAM nonce empty or too long");
    }

    @Test
    void serverSendsAnAbsurdScramIterationCount() throws Exception {
        assertServerLoginFails(peer -> {
            String clientNonce = peer.startScram();
            peer.authentication(AUTH_SASL_CONTINUE, ascii("r=" + clientNonce + "server,s="
                    + Base64.getEncoder().encodeToString(new byte[16]) + ",i=2147483647"));
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "SCRAM authentication with the server failed: SCRAM iteration count out of range");
    }

    @Test
    void serverErrorWithoutSqlState() throws Exception {
        assertServerLoginFails(peer -> {
            peer.send('E', ascii("SFATAL\0Mno sqlstate here\0\0"));
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "no sqlstate here");
    }

    @Test
    void serverErrorWithSqlStateIsRelayed() throws Exception {
        assertServerLoginFails(peer -> {
            peer.send('E', ascii("SFATAL\0VFATAL\0C28000\0Mrole \"x\" does not exist\0\0"));
            peer.awaitClosed();
        }, "28000", "role \"x\" does not exist");
    }

    @ParameterizedTest(name = "body of {0} bytes")
    @ValueSource(ints = {0, 1})
    void serverErrorWithoutAnyField(int bodyLength) throws Exception {
        assertServerLoginFails(peer -> {
            peer.send('E', new byte[bodyLength]);
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "login failed");
    }

    @Test
    void serverErrorWithUnterminatedField() throws Exception {
        assertServerLoginFails(peer -> {
            peer.send('E', ascii("SFATAL\0C08006\0Mcut off"));
            peer.awaitClosed();
        }, "08006", "login failed");
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {99, -1, 7, 9})
    void serverAsksForAnUnknownAuthenticationMethod(int code) throws Exception {
        assertServerLoginFails(peer -> {
            peer.authentication(code, new byte[0]);
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "unsupported authentication method requested by server: " + code);
    }

    @Test
    void serverSendsAnAuthenticationRequestWithoutCode() throws Exception {
        assertServerLoginFails(peer -> {
            peer.send('R', new byte[] {0, 0});
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "malformed authentication request from server");
    }

    @Test
    void serverSendsAShortBackendKeyData() throws Exception {
        assertServerLoginFails(peer -> {
            peer.authentication(AUTH_OK, new byte[0]);
            peer.send('K', ints(42));
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "bad cancel key");
    }

    @Test
    void serverSendsMd5RequestWithoutSalt() throws Exception {
        assertServerLoginFails(peer -> {
            peer.authentication(5, new byte[] {1, 2});
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "malformed authentication request from server");
    }

    @Test
    void serverSendsSaslContinueWithoutSasl() throws Exception {
        assertServerLoginFails(peer -> {
            peer.authentication(AUTH_SASL_CONTINUE, ascii("r=abc,s=AAAA,i=4096"));
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "protocol error: AuthenticationSASLContinue without prior AuthenticationSASL");
    }

    @Test
    void serverSendsSaslFinalWithoutContinue() throws Exception {
        assertServerLoginFails(peer -> {
            peer.startScram();
            peer.authentication(AUTH_SASL_FINAL, ascii("v=" + Base64.getEncoder().encodeToString(new byte[32])));
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "protocol error: AuthenticationSASLFinal without prior AuthenticationSASLContinue");
    }

    @Test
    void serverSendsSaslTwice() throws Exception {
        assertServerLoginFails(peer -> {
            peer.startScram();
            peer.authentication(AUTH_SASL, concat(cstring(SCRAM_SHA_256), new byte[] {0}));
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "protocol error: duplicate AuthenticationSASL message from server");
    }

    /** A server that skips the SCRAM exchange and declares the login done: pgmux must not take it as logged in. */
    @Test
    void serverSendsReadyForQueryRightAfterARefusedMessage() throws Exception {
        assertServerLoginFails(peer -> {
            peer.out.write(concat(RawPgClient.message('R', concat(ints(AUTH_SASL_CONTINUE), ascii("r=x,s=AAAA,i=1"))),
                    RawPgClient.message('S', concat(cstring("server_version"), cstring("16.0"))),
                    RawPgClient.message('K', ints(1, 2)),
                    RawPgClient.message('Z', new byte[] {'I'})));
            peer.out.flush();
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "protocol error: AuthenticationSASLContinue without prior AuthenticationSASL");
    }

    @Test
    void serverSendsReadyForQueryRightAfterAnError() throws Exception {
        assertServerLoginFails(peer -> {
            peer.out.write(concat(RawPgClient.message('E', ascii("SFATAL\0C28P01\0Mnope\0\0")),
                    RawPgClient.message('R', ints(AUTH_OK)),
                    RawPgClient.message('Z', new byte[] {'I'})));
            peer.out.flush();
            peer.awaitClosed();
        }, "28P01", "nope");
    }

    @Test
    void serverSendsSaslContinueTwice() throws Exception {
        assertServerLoginFails(peer -> {
            String clientNonce = peer.startScram();
            byte[] serverFirst = ascii("r=" + clientNonce + "server,s="
                    + Base64.getEncoder().encodeToString(new byte[16]) + ",i=4096");
            peer.authentication(AUTH_SASL_CONTINUE, serverFirst);
            assertEquals('p', peer.read().type(), "SASLResponse");
            peer.authentication(AUTH_SASL_CONTINUE, serverFirst);
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "SCRAM exchange protocol error: received second AuthenticationSASLContinue");
    }

    @Test
    void serverClosesRightAfterTheStartupPacket() throws Exception {
        assertServerLoginFails(peer -> {
        }, PROTOCOL_VIOLATION, PgBouncerErrors.CONNECT_FAILED);
    }

    @Test
    void serverClosesInTheMiddleOfScram() throws Exception {
        assertServerLoginFails(peer -> peer.startScram(), PROTOCOL_VIOLATION, PgBouncerErrors.CONNECT_FAILED);
    }

    @Test
    void serverClosesInTheMiddleOfAMessage() throws Exception {
        assertServerLoginFails(peer -> {
            peer.out.write(concat(new byte[] {'R'}, ints(100), ints(AUTH_SASL)));
            peer.out.flush();
        }, PROTOCOL_VIOLATION, PgBouncerErrors.CONNECT_FAILED);
    }

    @Test
    void serverSendsAnUnknownMessageType() throws Exception {
        assertServerLoginFails(peer -> {
            peer.send('!', new byte[3]);
            peer.awaitClosed();
        }, PROTOCOL_VIOLATION, "unknown pkt from server");
    }

    // ---- 3. long user and database names (CVE-2012-4575 class) ----

    @Test
    void userNameOf127BytesGoesOnToAuthentication() throws Exception {
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            // An unknown user, so the mock exchange: the name passed the length check.
            startSasl(client, "u".repeat(127), DB);
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {128, 129, 5000})
    void userNameOf128BytesOrMoreIsTooLong(int length) throws Exception {
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            client.send(RawPgClient.startupMessage(params("user", "u".repeat(length), "database", DB)));
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.USERNAME_TOO_LONG);
        }
    }

    @Test
    void userNameLimitCountsBytesNotCharacters() throws Exception {
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            // 64 characters, 128 bytes in UTF-8.
            client.send(RawPgClient.startupMessage(params("user", "é".repeat(64), "database", DB)));
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.USERNAME_TOO_LONG);
        }
    }

    @Test
    void databaseNameOf5000BytesIsRefusedAfterAuthentication() throws Exception {
        String name = "d".repeat(5000);
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            // Under SCRAM the exchange comes first: strangers learn nothing about databases.
            startSasl(client, USER, name);
        }
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.startupMessage(params("user", USER, "database", name)));
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.noSuchDatabase(name));
        }
    }

    @Test
    void startupPacketOfExactlyTheLimitIsServed() throws Exception {
        byte[] packet = startupOfLength(10_000);
        assertEquals(10_000, packet.length);
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(packet);
            RawPgClient.Message auth = client.readMessage();
            assertEquals('R', auth.type());
            assertEquals(AUTH_OK, auth.intAt(0));
            client.readUntilReady();
            assertEquals("1", client.queryValue("SELECT 1"));
        }
    }

    @Test
    void startupPacketOneByteOverTheLimitIsRefused() throws Exception {
        byte[] packet = startupOfLength(10_001);
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(packet);
            assertErrorThenClose(client, PROTOCOL_VIOLATION, "bad packet header: '0000271100030000'");
        }
    }

    // ---- 4. quotes, semicolons, backslashes and NUL bytes in startup parameters ----

    @ParameterizedTest(name = "application_name = {0}")
    @ValueSource(strings = {"x'; DROP TABLE " + CANARY + "; --", "a\\'b", "a\\\\'b", "\\", "'", "''", "\\'",
            "$$; DROP TABLE " + CANARY + "; $$", "E'\\x41'", "semi;colon"})
    void hostileApplicationNameIsSetExactly(String value) throws Exception {
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.startupMessage(params("user", USER, "database", DB, "application_name", value)));
            RawPgClient.Message auth = client.readMessage();
            assertEquals('R', auth.type());
            assertEquals(AUTH_OK, auth.intAt(0));
            assertEquals(value, parameterStatus(client.readUntilReady(), "application_name"));
            assertEquals(value, client.queryValue("SELECT current_setting('application_name')"));
        }
        // The same through pgjdbc, over SCRAM.
        Properties props = new Properties();
        props.setProperty("ApplicationName", value);
        try (Connection c = connect(scram, DB, USER, PASSWORD, props);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('application_name')")) {
            assertTrue(rs.next());
            assertEquals(value, rs.getString(1));
        }
    }

    @Test
    void hostileApplicationNameInOptions() throws Exception {
        // In options a backslash escapes the next character: this is x\'; DROP TABLE ...; --
        String value = "x\\'; DROP TABLE " + CANARY + "; --";
        String options = "-c application_name=" + value.replace("\\", "\\\\").replace(" ", "\\ ");
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.startupMessage(params("user", USER, "database", DB, "options", options)));
            assertEquals('R', client.readMessage().type());
            client.readUntilReady();
            assertEquals(value, client.queryValue("SELECT current_setting('application_name')"));
        }
    }

    @Test
    void hostileTimeZoneFailsTheSetAndNothingElse() throws Exception {
        String value = "UTC'; DROP TABLE " + CANARY + "; --";
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(RawPgClient.startupMessage(params("user", USER, "database", DB, "TimeZone", value)));
            assertEquals('R', client.readMessage().type());
            List<RawPgClient.Message> welcome = readUntilReadyOrError(client);
            RawPgClient.ErrorResponse error;
            if (welcome.get(welcome.size() - 1).type() == 'Z') {
                // The welcome came from the cache: the SET runs with the first query.
                client.send(RawPgClient.query("SELECT 1"));
                error = client.readError();
            } else {
                error = RawPgClient.ErrorResponse.parse(welcome.get(welcome.size() - 1).body());
            }
            assertEquals(FATAL, error.severity());
            assertEquals(PROTOCOL_VIOLATION, error.sqlState());
            assertEquals("var change failed", error.message());
            assertTrue(client.closedByPeer(), "the connection closes after the error");
        }
    }

    /** A NUL inside a name or value ends that C string early; the rest no longer lines up. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application_name\0a\0b", "appli\0cation_name\0x", "user\0" + USER + "\0x"})
    void nulInsideAParameterBreaksTheLayout(String inner) throws Exception {
        byte[] body = concat(ints(PROTOCOL_3_0), cstring("user"), cstring(USER), cstring("database"), cstring(DB),
                cstring(inner), new byte[] {0});
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(ints(4 + body.length), body);
            assertErrorThenClose(client, PROTOCOL_VIOLATION,
                    "invalid startup packet layout: expected terminator as last byte");
        }
    }

    @Test
    void nulInsideAValueThatStillLinesUpIsAnUnknownParameter() throws Exception {
        byte[] body = concat(ints(PROTOCOL_3_0), cstring("user"), cstring(USER), cstring("database"), cstring(DB),
                cstring("application_name"), cstring("a\0b\0c"), new byte[] {0});
        try (RawPgClient client = RawPgClient.connect(trust.port())) {
            client.send(ints(4 + body.length), body);
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.unsupportedStartupParameter("b"));
        }
    }

    // ---- 5. a flood of wrong-password logins ----

    @Test
    void thousandConcurrentWrongPasswordLogins() throws Exception {
        int attempts = 1000;
        int baselineClients = scram.pgmux().engine().clientCount().get();
        long heapBefore = usedHeapAfterGc();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(50);
        List<Future<?>> results = new ArrayList<>();
        int queries = 0;
        try {
            for (int i = 0; i < attempts; i++) {
                int n = i;
                results.add(load.submit(() -> {
                    wrongPasswordLogin(n);
                    refused.incrementAndGet();
                    return null;
                }));
            }
            load.shutdown();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            // The established session keeps answering while the flood goes on.
            try (Statement st = establishedScram.createStatement()) {
                do {
                    assertTrue(System.nanoTime() < deadline, "the logins did not finish within 3 minutes");
                    try (ResultSet rs = st.executeQuery("SELECT " + queries + " + 1")) {
                        assertTrue(rs.next());
                        assertEquals(queries + 1, rs.getInt(1));
                    }
                    queries++;
                } while (!load.awaitTermination(5, TimeUnit.MILLISECONDS));
            }
        } finally {
            load.shutdownNow();
            assertTrue(load.awaitTermination(30, TimeUnit.SECONDS), "login threads stopped");
        }
        for (Future<?> result : results) {
            result.get(0, TimeUnit.SECONDS);
        }
        assertEquals(attempts, refused.get());
        assertTrue(queries > 1, "queries ran during the flood: " + queries);
        Await.until(ANSWER_BOUND, "the client count back at " + baselineClients,
                () -> scram.pgmux().engine().clientCount().get() == baselineClients);
        long heapAfter = usedHeapAfterGc();
        long grown = heapAfter - heapBefore;
        assertTrue(grown < 64L << 20, "heap grew by " + (grown >> 20) + " MiB over the flood");
    }

    /**
     * One refused login: mostly a raw SCRAM exchange with a wrong proof, for the scram user or an unknown one; every
     * tenth through pgjdbc with a wrong password.
     */
    private static void wrongPasswordLogin(int n) throws Exception {
        if (n % 10 == 0) {
            assertRefused(PgBouncerErrors.SASL_FAILED, () -> connect(scram, DB, USER, "wrong " + n));
            return;
        }
        String user = n % 4 == 0 ? "nobody" + n : USER;
        try (RawPgClient client = RawPgClient.connect(scram.port())) {
            startSasl(client, user, DB);
            String nonce = saslFirst(client);
            byte[] proof = new byte[32];
            ThreadLocalRandom.current().nextBytes(proof);
            client.send(RawPgClient.message('p',
                    ascii("c=biws,r=" + nonce + ",p=" + Base64.getEncoder().encodeToString(proof))));
            assertErrorThenClose(client, PROTOCOL_VIOLATION, PgBouncerErrors.SASL_FAILED);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    // ---- the fake server ----

    /**
     * Logs a raw client in to a database served by a {@link FakeServer} running {@code script}: the client must get
     * AuthenticationOk (trust) and then this error, within {@link #ANSWER_BOUND}, and pgmux must close its server
     * connection and go on serving the real database, to a session established before and to a new one.
     */
    private static void assertServerLoginFails(FakeServer.Script script, String sqlState, String message)
            throws Exception {
        try (FakeServer fake = new FakeServer(script);
             PgmuxServer s = PgmuxServer.builder(postgres)
                     .set("auth_type", "trust")
                     .set("server_tls_sslmode", "disable")
                     .database(DB + " = host=127.0.0.1 port=${pgport}")
                     .database("fake = host=127.0.0.1 port=" + fake.port() + " dbname=fakedb")
                     .start();
             Connection established = connect(s, DB, USER, PASSWORD)) {
            selectOne(established);
            long started = System.nanoTime();
            try (RawPgClient client = RawPgClient.connect(s.port())) {
                client.send(RawPgClient.startupMessage(params("user", USER, "database", "fake")));
                RawPgClient.Message auth = client.readMessage();
                assertEquals('R', auth.type());
                assertEquals(AUTH_OK, auth.intAt(0));
                assertErrorThenClose(client, sqlState, message);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(ANSWER_BOUND) < 0, "the error took " + took);
            fake.awaitDone();
            assertTrue(fake.connections() >= 1, "pgmux connected to the fake server");
            selectOne(established);
            assertSelectOne(connect(s, DB, USER, PASSWORD));
            Await.until(ANSWER_BOUND, "pgmux counts only the established client",
                    () -> s.pgmux().engine().clientCount().get() == 1);
        }
    }

    /**
     * Just enough of a PostgreSQL server, on a free port of 127.0.0.1: each connection pgmux opens gets its startup
     * packet read (an SSLRequest is declined) and is then handed to the script on a thread of its own. Closing stops
     * accepting, closes every connection and joins every thread; a script's failure fails the test there.
     */
    private static final class FakeServer implements AutoCloseable {
        @FunctionalInterface
        interface Script {
            void run(Peer peer) throws Exception;
        }

        private final ServerSocket listener;
        private final Script script;
        private final Thread acceptor;
        private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
        private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger connections = new AtomicInteger();

        FakeServer(Script script) throws IOException {
            this.script = script;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.acceptor = new Thread(this::acceptLoop, "fake-postgres-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                Socket socket;
                try {
                    socket = listener.accept();
                } catch (IOException e) {
                    return;
                }
                sockets.add(socket);
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(socket), "fake-postgres-" + connections.get());
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                socket.setSoTimeout((int) ANSWER_BOUND.toMillis());
                Peer peer = new Peer(new DataInputStream(socket.getInputStream()), socket.getOutputStream());
                peer.readStartup();
                script.run(peer);
            } catch (Throwable e) {
                failures.add(e);
            }
        }

        /** Waits for every connection's script to end, then fails with the first script failure. */
        void awaitDone() throws Exception {
            List<Thread> started;
            synchronized (threads) {
                started = new ArrayList<>(threads);
            }
            for (Thread t : started) {
                t.join(ANSWER_BOUND.toMillis() * 2);
                assertTrue(!t.isAlive(), "the fake server's script ended");
            }
            synchronized (failures) {
                if (!failures.isEmpty()) {
                    AssertionError error = new AssertionError("fake server script failed: " + failures.get(0));
                    failures.forEach(error::addSuppressed);
                    throw error;
                }
            }
        }

        @Override
        public void close() throws Exception {
            listener.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            acceptor.join(ANSWER_BOUND.toMillis());
            synchronized (threads) {
                for (Thread t : threads) {
                    t.join(ANSWER_BOUND.toMillis());
                }
            }
        }
    }

    /** One connection from pgmux to the fake server, seen from the server's side. */
    private static final class Peer {
        final DataInputStream in;
        final OutputStream out;

        Peer(DataInputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        /** Reads the StartupMessage, declining an SSLRequest before it. */
        void readStartup() throws IOException {
            while (true) {
                int length = in.readInt();
                int code = in.readInt();
                if (length < 8 || length > 10_000) {
                    throw new IOException("bad startup length " + length);
                }
                in.readFully(new byte[length - 8]);
                if (code == 80877103) {
                    out.write('N');
                    out.flush();
                } else if (code == PROTOCOL_3_0) {
                    return;
                } else {
                    throw new IOException("unexpected startup code " + code);
                }
            }
        }

        RawPgClient.Message read() throws IOException {
            int type = in.read();
            if (type < 0) {
                throw new EOFException("pgmux closed the connection");
            }
            int length = in.readInt();
            if (length < 4 || length > 1 << 20) {
                throw new IOException("bad length from pgmux: " + length);
            }
            byte[] body = new byte[length - 4];
            in.readFully(body);
            return new RawPgClient.Message((char) type, body);
        }

        void send(char type, byte[] body) throws IOException {
            out.write(RawPgClient.message(type, body));
            out.flush();
        }

        void authentication(int code, byte[] data) throws IOException {
            send('R', concat(ints(code), data));
        }

        /** AuthenticationSASL; reads the SASLInitialResponse and returns the client's nonce. */
        String startScram() throws IOException {
            authentication(AUTH_SASL, concat(cstring(SCRAM_SHA_256), new byte[] {0}));
            RawPgClient.Message initial = read();
            assertEquals('p', initial.type(), "SASLInitialResponse");
            ByteBuffer b = ByteBuffer.wrap(initial.body());
            int nul = 0;
            while (initial.body()[nul] != 0) {
                nul++;
            }
            assertEquals(SCRAM_SHA_256, new String(initial.body(), 0, nul, StandardCharsets.US_ASCII));
            b.position(nul + 1);
            int length = b.getInt();
            String clientFirst = new String(initial.body(), b.position(), length, StandardCharsets.US_ASCII);
            int r = clientFirst.indexOf(",r=");
            assertTrue(clientFirst.startsWith("n,,") && r > 0, clientFirst);
            return clientFirst.substring(r + 3);
        }

        /** Waits until pgmux closes the connection, reading (and ignoring) what it sends until then. */
        void awaitClosed() throws IOException {
            try {
                while (in.read() >= 0) {
                    // a Terminate, or the next message of the exchange
                }
            } catch (SocketTimeoutException e) {
                throw new IOException("pgmux kept the server connection open", e);
            } catch (SocketException e) {
                // reset by pgmux: closed too
            }
        }
    }

    // ---- helpers ----

    /** StartupMessage as the scram user, then AuthenticationSASL offering SCRAM-SHA-256. */
    private static void startSasl(RawPgClient client, String user, String database) throws IOException {
        client.send(RawPgClient.startupMessage(params("user", user, "database", database)));
        RawPgClient.Message request = client.readMessage();
        assertEquals('R', request.type(), () -> "expected AuthenticationSASL, got " + request + " "
                + (request.type() == 'E' ? RawPgClient.ErrorResponse.parse(request.body()) : ""));
        assertEquals(AUTH_SASL, request.intAt(0));
        assertEquals(SCRAM_SHA_256 + "\0\0", new String(request.body(), 4, request.body().length - 4,
                StandardCharsets.US_ASCII));
    }

    /** A valid client-first-message; returns the combined nonce of the server-first-message. */
    private static String saslFirst(RawPgClient client) throws IOException {
        byte[] clientFirst = ascii("n,,n=,r=" + "C".repeat(24));
        client.send(saslInitialResponse(clientFirst.length, clientFirst));
        RawPgClient.Message m = client.readMessage();
        assertEquals('R', m.type());
        assertEquals(AUTH_SASL_CONTINUE, m.intAt(0));
        String serverFirst = new String(m.body(), 4, m.body().length - 4, StandardCharsets.US_ASCII);
        assertTrue(serverFirst.startsWith("r=" + "C".repeat(24)), serverFirst);
        return serverFirst.substring(2, serverFirst.indexOf(','));
    }

    private static byte[] saslInitialResponse(int declaredLength, byte[] data) {
        return RawPgClient.message('p', concat(cstring(SCRAM_SHA_256), ints(declaredLength), data));
    }

    /** A startup packet of exactly {@code length} bytes, padded in an ignored parameter. */
    private static byte[] startupOfLength(int length) {
        byte[] fixed = concat(ints(0, PROTOCOL_3_0), cstring("user"), cstring(USER), cstring("database"),
                cstring(DB), cstring("extra_float_digits"), new byte[] {0, 0});
        byte[] packet = concat(ints(0, PROTOCOL_3_0), cstring("user"), cstring(USER), cstring("database"),
                cstring(DB), cstring("extra_float_digits"), ascii("1".repeat(length - fixed.length)),
                new byte[] {0, 0});
        ByteBuffer.wrap(packet).putInt(packet.length);
        return packet;
    }

    private static String parameterStatus(List<RawPgClient.Message> messages, String name) {
        for (RawPgClient.Message m : messages) {
            if (m.type() == 'S') {
                byte[] body = m.body();
                int nul = 0;
                while (body[nul] != 0) {
                    nul++;
                }
                if (new String(body, 0, nul, StandardCharsets.UTF_8).equals(name)) {
                    return new String(body, nul + 1, body.length - nul - 2, StandardCharsets.UTF_8);
                }
            }
        }
        return fail("no ParameterStatus for " + name);
    }

    /** Messages up to ReadyForQuery or an ErrorResponse, whichever comes first. */
    private static List<RawPgClient.Message> readUntilReadyOrError(RawPgClient client) throws IOException {
        List<RawPgClient.Message> messages = new ArrayList<>();
        while (true) {
            RawPgClient.Message m = client.readMessage();
            messages.add(m);
            if (m.type() == 'Z' || m.type() == 'E') {
                return messages;
            }
        }
    }


    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] cstring(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        return out.toByteArray();
    }







    private static void assertCanaryExists() throws SQLException {
        try (Connection c = postgres.superuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('" + CANARY + "') IS NOT NULL")) {
            assertTrue(rs.next());
            assertTrue(rs.getBoolean(1), "table " + CANARY + " still exists");
        }
    }

    private static void assertNoUnexpectedExceptions() {
        List<LogRecord> records;
        synchronized (UNEXPECTED_EXCEPTIONS) {
            records = new ArrayList<>(UNEXPECTED_EXCEPTIONS);
            UNEXPECTED_EXCEPTIONS.clear();
        }
        if (!records.isEmpty()) {
            StringWriter report = new StringWriter();
            PrintWriter out = new PrintWriter(report);
            for (LogRecord r : records) {
                out.println(r.getLoggerName() + " " + r.getLevel() + ": " + r.getMessage());
                r.getThrown().printStackTrace(out);
            }
            out.flush();
            fail(records.size() + " exception(s) escaped to the logs:\n" + report);
        }
    }

    /**
     * Netty's io_uring transport finishing a delayed close while pgmux stops its event loops: the channel's last task
     * is refused by the terminated loop. It happens in {@code Pgmux.close()}, after the case has been checked.
     */
    private static boolean isShutdownNoise(LogRecord record) {
        return record.getThrown() instanceof RejectedExecutionException
                && "io.netty.channel.AbstractChannel".equals(record.getLoggerName());
    }

    /** Connection resets and the like: what a peer closing its socket causes. */
    private static boolean isIoTrouble(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // the test result says what went wrong
            }
        }
    }
}
