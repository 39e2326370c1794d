package io.pgmux.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.config.ConfigLoader;
import io.pgmux.testing.Await;
import io.pgmux.testing.ExternalCommand;
import io.pgmux.testing.PgWireClient;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.RawPgClient;
import io.pgmux.testing.TestCertificates;
import io.pgmux.testing.TestPostgres;
import io.pgmux.testing.TlsPostgres;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutorBase;
import org.postgresql.jdbc.PgConnection;

/**
 * TLS on both sides of pgmux with real clients (psql, pgjdbc) and real servers: client_tls_sslmode from disable to
 * verify-full, client certificates and auth_type = cert, direct TLS with ALPN {@code postgresql},
 * server_tls_sslmode against a TLS server (pg_stat_ssl shows pgmux's backends encrypted), a server without TLS and a
 * server with a certificate for another host; the plaintext-injection checks of CVE-2021-3935 on both sides, the
 * protocol setting, unreadable files at startup, and new certificates taking effect on reload.
 */
@ExtendWith({PostgresExtension.class, TlsPostgres.Extension.class})
class TlsIT {
    private static final Duration PSQL_TIMEOUT = Duration.ofSeconds(30);
    private static final String USER = PostgresExtension.SCRAM_USER;
    private static final String PASSWORD = PostgresExtension.SCRAM_PASSWORD;
    private static final String DB = PostgresExtension.DATABASE;

    // ---- client_tls_sslmode = require ----

    @Test
    void requireServesPsqlOverTls(TestPostgres postgres, TlsPostgres tls) throws Exception {
        try (PgmuxServer pgmux = clientTls(postgres, tls, "require").start()) {
            ExternalCommand.Result r = psql(pgmux, "sslmode=require", PASSWORD, "\\conninfo",
                    "SELECT current_user");
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("SSL connection (protocol: TLSv1.3"), r.output());
            assertTrue(r.output().endsWith(USER + "\n"), r.output());

            // verify-full checks pgmux's certificate against the CA and 127.0.0.1 against its SAN.
            r = psql(pgmux, "sslmode=verify-full sslrootcert=" + tls.certificates().caCert(), PASSWORD,
                    "SELECT 'verified'");
            assertEquals(0, r.exitCode(), r.output());
            assertEquals("verified\n", r.output());
        }
    }

    @Test
    void requireServesPgjdbcOverTls(TestPostgres postgres, TlsPostgres tls) throws Exception {
        try (PgmuxServer pgmux = clientTls(postgres, tls, "require").start()) {
            for (String mode : List.of("require", "verify-ca", "verify-full")) {
                Properties props = jdbcProps(mode, tls.certificates());
                try (Connection c = DriverManager.getConnection(pgmux.url(DB), props)) {
                    assertEquals(USER, single(c, "SELECT current_user"));
                    SSLSession session = sslSession(c);
                    assertNotNull(session, "sslmode=" + mode + ": pgjdbc's socket is a TLS socket");
                    assertEquals("TLSv1.3", session.getProtocol());
                    assertEquals(tls.certificates().server().certificate(), session.getPeerCertificates()[0],
                            "pgmux presents client_tls_cert_file");
                }
            }
        }
    }

    @Test
    void requireRefusesPlainClients(TestPostgres postgres, TlsPostgres tls) throws Exception {
        try (PgmuxServer pgmux = clientTls(postgres, tls, "require").start()) {
            SQLException e = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(pgmux.url(DB), jdbcProps("disable", tls.certificates())));
            assertEquals("08P01", e.getSQLState());
            assertTrue(e.getMessage().contains("SSL required"), e.getMessage());

            ExternalCommand.Result r = psql(pgmux, "sslmode=disable", PASSWORD, "SELECT 1");
            assertEquals(2, r.exitCode(), r.output());
            assertTrue(r.output().contains("FATAL:  SSL required"), r.output());

            try (RawPgClient raw = RawPgClient.connect(pgmux.port())) {
                raw.send(RawPgClient.startupMessage(Map.of("user", USER, "database", DB)));
                RawPgClient.ErrorResponse error = raw.readError();
                assertEquals("FATAL", error.severity());
                assertEquals("08P01", error.sqlState());
                assertEquals("SSL required", error.message());
                assertTrue(raw.closedByPeer());
            }
        }
    }

    @Test
    void requireDoesNotApplyToTheUnixSocket(TestPostgres postgres, TlsPostgres tls) throws Exception {
        try (PgmuxServer pgmux = clientTls(postgres, tls, "require").start()) {
            Path socket = pgmux.dir().resolve(".s.PGSQL." + pgmux.port());
            try (PgWireClient client = PgWireClient.connect(UnixDomainSocketAddress.of(socket))) {
                assertEquals(USER, client.query("SELECT current_user").single());
            }
            assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
            ExternalCommand.Result r = ExternalCommand.run(PSQL_TIMEOUT, PASSWORD, List.of("psql", "-X", "-A", "-t",
                    "-w", "-d", "host=" + pgmux.dir() + " port=" + pgmux.port() + " dbname=" + DB + " user=" + USER,
                    "-c", "\\conninfo", "-c", "SELECT current_user"));
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("via socket in"), r.output());
            assertFalse(r.output().contains("SSL"), r.output());
        }
    }

    // ---- prefer, allow, disable ----

    @ParameterizedTest(name = "client_tls_sslmode = {0}")
    @ValueSource(strings = {"prefer", "allow"})
    void preferAndAllowServeTlsAndPlainClients(String mode, TestPostgres postgres, TlsPostgres tls)
            throws Exception {
        // The key in PKCS#1 form (BEGIN RSA PRIVATE KEY), as openssl genrsa wrote it for years.
        try (PgmuxServer pgmux = clientTls(postgres, tls, mode)
                .set("client_tls_key_file", tls.certificates().serverPkcs1Key().toString()).start()) {
            ExternalCommand.Result r = psql(pgmux, "sslmode=require", PASSWORD, "\\conninfo", "SELECT 1");
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("SSL connection (protocol: TLSv1.3"), r.output());

            r = psql(pgmux, "sslmode=disable", PASSWORD, "\\conninfo", "SELECT 2");
            assertEquals(0, r.exitCode(), r.output());
            assertFalse(r.output().contains("SSL"), r.output());
            assertTrue(r.output().endsWith("2\n"), r.output());

            try (Connection c = DriverManager.getConnection(pgmux.url(DB),
                    jdbcProps("verify-full", tls.certificates()))) {
                assertEquals("1", single(c, "SELECT 1"));
                assertNotNull(sslSession(c));
            }
            try (Connection c = DriverManager.getConnection(pgmux.url(DB), jdbcProps("disable", null))) {
                assertEquals("1", single(c, "SELECT 1"));
                assertNull(sslSession(c), "plain socket");
            }
        }
    }

    @Test
    void disableAnswersSslRequestWithN(TestPostgres postgres, TlsPostgres tls) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("client_tls_sslmode", "disable")
                .set("auth_type", "plain").start()) {
            try (RawPgClient raw = RawPgClient.connect(pgmux.port())) {
                raw.send(RawPgClient.sslRequest());
                assertEquals('N', raw.readByte());
                raw.send(RawPgClient.startupMessage(Map.of("user", USER, "database", DB)));
                assertEquals(3, raw.readMessage().intAt(0), "AuthenticationCleartextPassword");
                raw.send(RawPgClient.passwordMessage(PASSWORD));
                raw.readUntilReady();
                assertEquals("ok", raw.queryValue("SELECT 'ok'"));
            }

            ExternalCommand.Result r = psql(pgmux, "sslmode=require", PASSWORD, "SELECT 1");
            assertEquals(2, r.exitCode(), r.output());
            assertTrue(r.output().contains("server does not support SSL, but SSL was required"), r.output());

            SQLException e = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(pgmux.url(DB), jdbcProps("require", tls.certificates())));
            assertTrue(e.getMessage().contains("does not support SSL"), e.getMessage());
        }
    }

    // ---- client certificates ----

    @ParameterizedTest(name = "client_tls_sslmode = {0}")
    @ValueSource(strings = {"verify-ca", "verify-full"})
    void verifyModesRequireAClientCertificateFromTheCa(String mode, TestPostgres postgres, TlsPostgres tls)
            throws Exception {
        TestCertificates certs = tls.certificates();
        TestCertificates.Issued client = certs.client(USER);
        try (TestCertificates foreign = TestCertificates.create("some other CA");
             PgmuxServer pgmux = clientTls(postgres, tls, mode)
                     .set("client_tls_ca_file", certs.caCert().toString()).start()) {
            // No certificate: the handshake fails.
            ExternalCommand.Result r = psql(pgmux, "sslmode=require", PASSWORD, "SELECT 1");
            assertEquals(2, r.exitCode(), r.output());
            assertTrue(r.output().contains("SSL error"), r.output());
            assertThrows(SQLException.class, () -> query(pgmux, jdbcProps("require", certs), "SELECT 1"));
            assertThrows(IOException.class, () -> rawTls(pgmux.port(), sslContext(certs, null), null));

            // A certificate from another CA: the handshake fails too.
            TestCertificates.Issued stranger = foreign.client(USER);
            r = psql(pgmux, "sslmode=require sslcert=" + stranger.cert() + " sslkey=" + stranger.key(), PASSWORD,
                    "SELECT 1");
            assertEquals(2, r.exitCode(), r.output());
            assertTrue(r.output().contains("SSL error"), r.output());
            assertThrows(IOException.class, () -> rawTls(pgmux.port(), sslContext(certs, stranger), null));

            // A certificate from the CA: in, with the password still checked (auth_type is scram-sha-256).
            r = psql(pgmux, "sslmode=verify-full sslrootcert=" + certs.caCert() + " sslcert=" + client.cert()
                    + " sslkey=" + client.key(), PASSWORD, "\\conninfo", "SELECT current_user");
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("SSL connection"), r.output());
            assertTrue(r.output().endsWith(USER + "\n"), r.output());
            Properties props = jdbcProps("verify-full", certs);
            props.setProperty("sslcert", client.cert().toString());
            props.setProperty("sslkey", client.key().toString());
            assertEquals(USER, query(pgmux, props, "SELECT current_user"));
            props.setProperty("password", "wrong");
            SQLException e = assertThrows(SQLException.class, () -> query(pgmux, props, "SELECT 1"));
            assertTrue(e.getMessage().contains("SASL authentication failed"), e.getMessage());
        }
    }

    @Test
    void certAuthLogsInAsTheCertificatesCommonName(TestPostgres postgres, TlsPostgres tls) throws Exception {
        TestCertificates certs = tls.certificates();
        TestCertificates.Issued mine = certs.client(USER);
        TestCertificates.Issued other = certs.client("someone_else");
        // Both hops encrypted: the server side logs in to the TLS server with the auth_file password.
        try (PgmuxServer pgmux = clientTls(tls.server(), tls, "verify-full")
                .set("client_tls_ca_file", certs.caCert().toString())
                .set("auth_type", "cert")
                .set("server_tls_sslmode", "verify-full")
                .set("server_tls_ca_file", certs.caCert().toString()).start()) {
            ExternalCommand.Result r = psql(pgmux, "sslmode=verify-full sslrootcert=" + certs.caCert() + " sslcert="
                    + mine.cert() + " sslkey=" + mine.key(), "", "SELECT current_user, ssl FROM pg_stat_ssl"
                    + " WHERE pid = pg_backend_pid()");
            assertEquals(0, r.exitCode(), r.output());
            assertEquals(USER + "|t\n", r.output());

            Properties props = jdbcProps("verify-full", certs);
            props.remove("password");
            props.setProperty("sslcert", mine.cert().toString());
            props.setProperty("sslkey", mine.key().toString());
            assertEquals(USER, query(pgmux, props, "SELECT current_user"));

            props.setProperty("sslcert", other.cert().toString());
            props.setProperty("sslkey", other.key().toString());
            SQLException e = assertThrows(SQLException.class, () -> query(pgmux, props, "SELECT 1"));
            assertEquals("08P01", e.getSQLState());
            assertTrue(e.getMessage().contains("certificate authentication failed"), e.getMessage());

            r = psql(pgmux, "sslmode=require sslcert=" + other.cert() + " sslkey=" + other.key(), "", "SELECT 1");
            assertEquals(2, r.exitCode(), r.output());
            assertTrue(r.output().contains("FATAL:  certificate authentication failed"), r.output());
        }
    }

    @Test
    void certAuthStillNeedsTheUserInTheAuthFile(TestPostgres postgres, TlsPostgres tls) throws Exception {
        TestCertificates certs = tls.certificates();
        TestCertificates.Issued superuserCert = certs.client("postgres");
        String userlist = "\"" + USER + "\" \"" + PASSWORD + "\"\n";
        // The server trusts postgres from 127.0.0.1: only pgmux stands between this certificate and a superuser.
        try (PgmuxServer pgmux = clientTls(postgres, tls, "verify-full")
                .set("client_tls_ca_file", certs.caCert().toString()).set("auth_type", "cert")
                .userlist(userlist).start()) {
            Properties props = jdbcProps("verify-full", certs);
            props.setProperty("user", "postgres");
            props.remove("password");
            props.setProperty("sslcert", superuserCert.cert().toString());
            props.setProperty("sslkey", superuserCert.key().toString());
            SQLException e = assertThrows(SQLException.class, () -> query(pgmux, props, "SELECT current_user"));
            assertEquals("08P01", e.getSQLState());
            assertTrue(e.getMessage().contains("certificate authentication failed"), e.getMessage());
        }
    }

    // ---- direct TLS ----

    @Test
    void directTlsWithAlpnPostgresql(TestPostgres postgres, TlsPostgres tls) throws Exception {
        TestCertificates certs = tls.certificates();
        try (PgmuxServer pgmux = clientTls(postgres, tls, "require").set("auth_type", "plain").start()) {
            Properties props = jdbcProps("verify-full", certs);
            props.setProperty("sslNegotiation", "direct");
            try (Connection c = DriverManager.getConnection(pgmux.url(DB), props)) {
                assertEquals(USER, single(c, "SELECT current_user"));
                SSLSocket socket = sslSocket(c);
                assertNotNull(socket);
                // pgjdbc offers ALPN only when it goes straight to TLS.
                assertEquals("postgresql", socket.getApplicationProtocol());
            }
            props.setProperty("sslNegotiation", "postgres");
            try (Connection c = DriverManager.getConnection(pgmux.url(DB), props)) {
                assertEquals("", sslSocket(c).getApplicationProtocol(), "SSLRequest first: no ALPN");
            }

            try (SSLSocket socket = directTls(pgmux.port(), sslContext(certs, null), "postgresql");
                 RawPgClient client = RawPgClient.over(socket)) {
                assertEquals("postgresql", socket.getApplicationProtocol());
                client.send(RawPgClient.startupMessage(Map.of("user", USER, "database", DB)));
                assertEquals(3, client.readMessage().intAt(0), "AuthenticationCleartextPassword, inside TLS");
                client.send(RawPgClient.passwordMessage(PASSWORD));
                client.readUntilReady();
                assertEquals("direct", client.queryValue("SELECT 'direct'"));
            }
        }
    }

    @ParameterizedTest(name = "ALPN {0}")
    @ValueSource(strings = {"", "http/1.1"})
    void directTlsWithoutAlpnPostgresqlIsRefused(String alpn, TestPostgres postgres, TlsPostgres tls)
            throws Exception {
        try (PgmuxServer pgmux = clientTls(postgres, tls, "require").set("auth_type", "plain").start()) {
            SSLSocket socket;
            try {
                socket = directTls(pgmux.port(), sslContext(tls.certificates(), null), alpn.isEmpty() ? null : alpn);
            } catch (IOException refusedInHandshake) {
                return;
            }
            try (RawPgClient client = RawPgClient.over(socket)) {
                assertTrue(socket.getApplicationProtocol() == null || socket.getApplicationProtocol().isEmpty(),
                        "no protocol agreed: " + socket.getApplicationProtocol());
                try {
                    client.send(RawPgClient.startupMessage(Map.of("user", USER, "database", DB)));
                    RawPgClient.Message m = client.readMessage();
                    throw new AssertionError("pgmux answered a direct TLS connection without ALPN postgresql: " + m);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("pgmux neither answered nor closed", e);
                } catch (IOException closed) {
                    // refused: closed without a word
                }
            }
        }
    }

    @Test
    void directTlsWithoutAlpnIgnoresAStartupSentWithTheFinishedMessage(TestPostgres postgres, TlsPostgres tls)
            throws Exception {
        // auth_type = trust: a startup packet that pgmux read would log in at once and open a server connection.
        try (PgmuxServer pgmux = clientTls(postgres, tls, "require").set("auth_type", "trust").start();
             Socket socket = new Socket()) {
            assertTrue(pgmux.pgmux().engine().pools().pools().isEmpty(), "pools are made by logins");
            socket.setSoTimeout(RawPgClient.READ_TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress("127.0.0.1", pgmux.port()), RawPgClient.READ_TIMEOUT_MILLIS);
            SSLEngine engine = sslContext(tls.certificates(), null).createSSLEngine("127.0.0.1", pgmux.port());
            engine.setUseClientMode(true);
            byte[] startup = RawPgClient.startupMessage(Map.of("user", USER, "database", DB));
            // The client's Finished and the startup packet in one segment, so both arrive in one read.
            byte[] lastFlight = handshakeKeepingLastFlight(engine, socket);
            ByteBuffer wrapped = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 2);
            SSLEngineResult result = engine.wrap(ByteBuffer.wrap(startup), wrapped);
            assertEquals(SSLEngineResult.Status.OK, result.getStatus());
            socket.getOutputStream().write(concat(lastFlight, Arrays.copyOf(wrapped.array(), wrapped.position())));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    answer.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("pgmux did not close the connection", e);
            } catch (IOException reset) {
                // closed
            }
            Await.until(Duration.ofSeconds(10), "pgmux to drop the client", () -> clients(pgmux) == 0);
            assertEquals(List.of(), new ArrayList<>(pgmux.pgmux().engine().pools().pools()),
                    "no login was processed, so no pool was made");
        }
    }

    // ---- server_tls_sslmode ----

    @ParameterizedTest(name = "server_tls_sslmode = {0}")
    @ValueSource(strings = {"prefer", "require", "verify-ca", "verify-full"})
    void serverTlsModesEncryptTheServerConnection(String mode, TlsPostgres tls) throws Exception {
        TestPostgres server = tls.server();
        try (PgmuxServer pgmux = PgmuxServer.builder(server).set("server_tls_sslmode", mode)
                .set("server_tls_ca_file", tls.certificates().caCert().toString()).set("pool_mode", "session")
                .start();
             Connection superuser = server.superuser()) {
            List<Connection> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    clients.add(pgmux.connect());
                    assertEquals(USER, single(clients.get(i), "SELECT current_user"));
                }
                // The backends say so themselves, and pg_hba.conf (hostnossl ... reject) would have refused them.
                List<Boolean> ssl = TlsPostgres.sslOfBackends(superuser, USER);
                assertEquals(Collections.nCopies(3, true), ssl);
                assertEquals("t", single(clients.get(0), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
            } finally {
                for (Connection c : clients) {
                    c.close();
                }
            }
        }
    }

    @Test
    void serverTlsProtocolsLimitTheServerConnection(TlsPostgres tls) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(tls.server()).set("server_tls_sslmode", "require")
                .set("server_tls_protocols", "tlsv1.2").start();
             Connection c = pgmux.connect()) {
            assertEquals("TLSv1.2", single(c, "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
        }
    }

    @Test
    void verifyFullRefusesACertificateForAnotherHost(TlsPostgres tls) throws Exception {
        TestPostgres server = tls.otherHostServer();
        String ca = tls.certificates().caCert().toString();
        try (Connection superuser = server.superuser()) {
            Timestamp since = server.now(superuser);
            try (PgmuxServer pgmux = PgmuxServer.builder(server).set("server_tls_sslmode", "verify-full")
                    .set("server_tls_ca_file", ca).start()) {
                SQLException e = assertThrows(SQLException.class, pgmux::connect);
                assertEquals("08P01", e.getSQLState());
                assertTrue(e.getMessage().contains("TLS startup failed")
                        && e.getMessage().contains("127.0.0.1"), e.getMessage());
                assertEquals(0, server.backendsSince(superuser, USER, since), "no login, no fallback to plain");
            }
            // The same certificate passes the modes that do not check the host name: only the name was wrong.
            for (String mode : List.of("prefer", "require", "verify-ca")) {
                try (PgmuxServer pgmux = PgmuxServer.builder(server).set("server_tls_sslmode", mode)
                        .set("server_tls_ca_file", ca).start();
                     Connection c = pgmux.connect()) {
                    assertEquals("t", single(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"), mode);
                }
            }
        }
    }

    @Test
    void verifyCaRefusesAServerFromAnotherCa(TlsPostgres tls) throws Exception {
        try (TestCertificates foreign = TestCertificates.create("some other CA");
             PgmuxServer pgmux = PgmuxServer.builder(tls.server()).set("server_tls_sslmode", "verify-ca")
                     .set("server_tls_ca_file", foreign.caCert().toString()).start()) {
            SQLException e = assertThrows(SQLException.class, pgmux::connect);
            assertEquals("08P01", e.getSQLState());
        }
    }

    @Test
    void requireNeverFallsBackToPlainText(TestPostgres postgres) throws Exception {
        try (Connection superuser = postgres.superuser()) {
            Timestamp since = postgres.now(superuser);
            try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("server_tls_sslmode", "require").start()) {
                SQLException e = assertThrows(SQLException.class, pgmux::connect);
                assertEquals("08P01", e.getSQLState());
                assertTrue(e.getMessage().contains("server refused SSL"), e.getMessage());
                assertEquals(0, postgres.backendsSince(superuser, USER, since), "no plaintext login was tried");
            }
        }
    }

    @Test
    void preferFallsBackToPlainText(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("server_tls_sslmode", "prefer").start();
             Connection c = pgmux.connect(); Connection superuser = postgres.superuser()) {
            assertEquals("f", single(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
            assertTrue(TlsPostgres.sslOfBackends(superuser, USER).contains(false));
        }
    }

    @Test
    void serverTlsPresentsTheClientCertificate(TlsPostgres tls) throws Exception {
        TestCertificates certs = tls.certificates();
        TestCertificates.Issued client = certs.client(USER);
        String certDb = "certdb = host=127.0.0.1 port=${pgport} dbname=" + TlsPostgres.CERT_DATABASE;
        // pg_hba.conf takes only a certificate for certdb (method cert): no password could log pgmux in there.
        try (PgmuxServer pgmux = PgmuxServer.builder(tls.server()).database(certDb)
                .set("server_tls_sslmode", "verify-full").set("server_tls_ca_file", certs.caCert().toString())
                .set("server_tls_cert_file", client.cert().toString())
                .set("server_tls_key_file", client.key().toString()).start();
             Connection c = pgmux.connect(TlsPostgres.CERT_DATABASE, USER, PASSWORD)) {
            assertEquals(USER + "@" + TlsPostgres.CERT_DATABASE,
                    single(c, "SELECT current_user || '@' || current_database()"));
            assertEquals("/CN=" + USER,
                    single(c, "SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
        }
        try (PgmuxServer pgmux = PgmuxServer.builder(tls.server()).database(certDb)
                .set("server_tls_sslmode", "verify-full").set("server_tls_ca_file", certs.caCert().toString())
                .start()) {
            SQLException e = assertThrows(SQLException.class,
                    () -> pgmux.connect(TlsPostgres.CERT_DATABASE, USER, PASSWORD));
            assertEquals("28000", e.getSQLState(), e.getMessage());
        }
    }

    // ---- plaintext injection (CVE-2021-3935) ----

    @ParameterizedTest(name = "client_tls_sslmode = {0}")
    @ValueSource(strings = {"require", "prefer"})
    void plaintextAfterSslRequestIsRejected(String mode, TestPostgres postgres, TlsPostgres tls) throws Exception {
        String table = "tls_injected_" + mode;
        try (PgmuxServer pgmux = clientTls(postgres, tls, mode).set("auth_type", "trust").start();
             RawPgClient raw = RawPgClient.connect(pgmux.port())) {
            // What a man in the middle would slip in before the handshake: with trust it would run at once.
            raw.send(RawPgClient.sslRequest(), RawPgClient.startupMessage(Map.of("user", USER, "database", DB)),
                    RawPgClient.query("CREATE TABLE " + table + " ()"));
            RawPgClient.ErrorResponse error = raw.readError();
            assertEquals("FATAL", error.severity());
            assertEquals("08P01", error.sqlState());
            assertEquals("received unencrypted data after SSL request", error.message());
            assertTrue(raw.closedByPeer());
        }
        try (Connection superuser = postgres.superuser()) {
            assertEquals("0", single(superuser, "SELECT count(*) FROM pg_class WHERE relname = '" + table + "'"));
        }
    }

    @ParameterizedTest(name = "server_tls_sslmode = {0}")
    @ValueSource(strings = {"prefer", "require"})
    void plaintextAfterTheServersSslResponseIsRejected(String mode, TestPostgres postgres) throws Exception {
        try (FakeServer fake = new FakeServer(concat(new byte[] {'S'},
                RawPgClient.message('R', RawPgClient.ints(0)), RawPgClient.message('Z', new byte[] {'I'})));
             PgmuxServer pgmux = PgmuxServer.builder(postgres).set("server_tls_sslmode", mode)
                     .database("fake = host=127.0.0.1 port=" + fake.port() + " dbname=" + DB).start()) {
            SQLException e = assertThrows(SQLException.class, () -> pgmux.connect("fake", USER, PASSWORD));
            assertEquals("08P01", e.getSQLState());
            assertTrue(e.getMessage().contains("received unencrypted data after SSL response"), e.getMessage());
            fake.awaitConnections(1);
            for (byte[] received : fake.received()) {
                assertArrayEquals(RawPgClient.sslRequest(), received, "pgmux sent nothing after its SSLRequest");
            }
        }
    }

    // ---- settings ----

    @Test
    void clientTlsProtocolsRefuseOlderVersions(TestPostgres postgres, TlsPostgres tls) throws Exception {
        try (PgmuxServer pgmux = clientTls(postgres, tls, "require").set("client_tls_protocols", "tlsv1.3")
                .start()) {
            SSLContext context = sslContext(tls.certificates(), null);
            assertThrows(IOException.class, () -> rawTls(pgmux.port(), context, "TLSv1.2"));
            try (SSLSocket socket = rawTls(pgmux.port(), context, "TLSv1.3")) {
                assertEquals("TLSv1.3", socket.getSession().getProtocol());
            }
            ExternalCommand.Result r = psql(pgmux, "sslmode=require ssl_max_protocol_version=TLSv1.2", PASSWORD,
                    "SELECT 1");
            assertEquals(2, r.exitCode(), r.output());
            assertTrue(r.output().contains("SSL error"), r.output());
        }
        try (PgmuxServer pgmux = clientTls(postgres, tls, "require").set("client_tls_protocols", "tlsv1.2")
                .start();
             SSLSocket socket = rawTls(pgmux.port(), sslContext(tls.certificates(), null), null)) {
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
        }
    }

    @Test
    void unreadableTlsFilesStopStartup(TestPostgres postgres, TlsPostgres tls) throws Exception {
        Path dir = Files.createTempDirectory("pgmux-badtls");
        try {
            Path garbage = Files.writeString(dir.resolve("garbage.key"), "this is not a key\n");
            Path missing = dir.resolve("missing.key");
            String cert = tls.certificates().server().cert().toString();
            assertStartFails(PgmuxServer.builder(postgres).set("client_tls_sslmode", "require")
                    .set("client_tls_cert_file", cert).set("client_tls_key_file", garbage.toString()),
                    garbage.toString());
            assertStartFails(PgmuxServer.builder(postgres).set("client_tls_sslmode", "require")
                    .set("client_tls_cert_file", cert).set("client_tls_key_file", missing.toString()),
                    missing.toString());
            assertStartFails(PgmuxServer.builder(postgres).set("client_tls_sslmode", "require")
                    .set("client_tls_cert_file", garbage.toString())
                    .set("client_tls_key_file", tls.certificates().server().key().toString()), garbage.toString());
            assertStartFails(PgmuxServer.builder(postgres).set("client_tls_sslmode", "require"),
                    "client_tls_key_file");
            assertStartFails(PgmuxServer.builder(postgres).set("server_tls_sslmode", "verify-ca")
                    .set("server_tls_ca_file", missing.toString()), missing.toString());
            assertStartFails(PgmuxServer.builder(postgres).set("server_tls_sslmode", "verify-full"),
                    "server_tls_ca_file");
            assertStartFails(PgmuxServer.builder(postgres).set("server_tls_sslmode", "require")
                    .set("server_tls_cert_file", cert).set("server_tls_key_file", garbage.toString()),
                    "server_tls_cert_file / server_tls_key_file");
            assertStartFails(PgmuxServer.builder(postgres).set("client_tls_sslmode", "require")
                    .set("client_tls_cert_file", cert)
                    .set("client_tls_key_file", tls.certificates().server().key().toString())
                    .set("client_tls_protocols", "tlsv1.2,sslv3"), "client_tls_protocols");
        } finally {
            Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // ---- reload ----

    @Test
    void reloadServesNewCertificatesToNewHandshakesOnly(TestPostgres postgres, TlsPostgres tls) throws Exception {
        TestCertificates certs = tls.certificates();
        Path dir = Files.createTempDirectory("pgmux-reload");
        try {
            Path cert = dir.resolve("pgmux.crt");
            Path key = dir.resolve("pgmux.key");
            Files.copy(certs.server().cert(), cert);
            Files.copy(certs.server().key(), key);
            try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("client_tls_sslmode", "require")
                    .set("client_tls_cert_file", cert.toString()).set("client_tls_key_file", key.toString())
                    .start();
                 Connection before = DriverManager.getConnection(pgmux.url(DB), jdbcProps("verify-full", certs))) {
                X509Certificate old = certs.server().certificate();
                assertEquals(old, sslSession(before).getPeerCertificates()[0]);

                TestCertificates.Issued renewed = certs.renewedServer("renewed");
                Files.copy(renewed.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
                Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
                TlsState state = pgmux.pgmux().engine().tls();
                state.load(ConfigLoader.load(pgmux.dir().resolve("pgbouncer.ini"), w -> { }).settings());

                try (Connection after = DriverManager.getConnection(pgmux.url(DB),
                        jdbcProps("verify-full", certs))) {
                    X509Certificate seen = (X509Certificate) sslSession(after).getPeerCertificates()[0];
                    assertEquals(renewed.certificate(), seen, "a new handshake sees the new certificate");
                    assertNotEquals(old.getSerialNumber(), seen.getSerialNumber());
                    assertEquals("1", single(after, "SELECT 1"));
                }
                try (SSLSocket raw = rawTls(pgmux.port(), sslContext(certs, null), null)) {
                    assertEquals(renewed.certificate(), raw.getSession().getPeerCertificates()[0]);
                }
                // The session that started before goes on, on the old certificate.
                assertEquals("2", single(before, "SELECT 2"));
                assertEquals(old, sslSession(before).getPeerCertificates()[0]);

                // A broken file on the next reload: refused as a whole, the contexts in use stay.
                Files.writeString(key, "not a key any more\n");
                SSLException e = assertThrows(SSLException.class, () -> state.load(
                        ConfigLoader.load(pgmux.dir().resolve("pgbouncer.ini"), w -> { }).settings()));
                assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
                try (SSLSocket raw = rawTls(pgmux.port(), sslContext(certs, null), null)) {
                    assertEquals(renewed.certificate(), raw.getSession().getPeerCertificates()[0]);
                }
            }
        } finally {
            Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // ---- helpers ----

    /** pgmux in front of {@code backend} with client TLS in {@code mode} and the localhost certificate. */
    private static PgmuxServer.Builder clientTls(TestPostgres backend, TlsPostgres tls, String mode) {
        TestCertificates certs = tls.certificates();
        PgmuxServer.Builder b = PgmuxServer.builder(backend).set("client_tls_sslmode", mode)
                .set("client_tls_cert_file", certs.server().cert().toString())
                .set("client_tls_key_file", certs.server().key().toString());
        if (backend != tls.server() && backend != tls.otherHostServer()) {
            b.set("server_tls_sslmode", "disable");
        } else {
            b.set("server_tls_sslmode", "require");
        }
        return b;
    }

    private static void assertStartFails(PgmuxServer.Builder builder, String mentioned) {
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::start);
        Throwable cause = e.getCause();
        assertNotNull(cause, "Pgmux.start threw");
        assertTrue(cause instanceof SSLException, "a TLS error, not " + cause);
        assertTrue(cause.getMessage() != null && cause.getMessage().contains(mentioned),
                "the error names " + mentioned + ": " + cause.getMessage());
    }

    /** psql with a connection string to pgmux plus {@code options}, running each command in order. */
    private static ExternalCommand.Result psql(PgmuxServer pgmux, String options, String password,
            String... commands) throws Exception {
        assumeTrue(ExternalCommand.onPath("psql"), "psql is not on the PATH");
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-A", "-t", "-w", "-d",
                "host=127.0.0.1 port=" + pgmux.port() + " dbname=" + DB + " user=" + USER + " " + options));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        return ExternalCommand.run(PSQL_TIMEOUT, password, command);
    }

    private static Properties jdbcProps(String sslmode, TestCertificates certs) {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("sslmode", sslmode);
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "30");
        if (!sslmode.equals("disable")) {
            props.setProperty("ssl", "true");
            props.setProperty("sslrootcert", certs.caCert().toString());
            // No client certificate unless a test names one (not ~/.postgresql/postgresql.crt).
            props.setProperty("sslcert", "");
            props.setProperty("sslkey", "");
        }
        return props;
    }

    private static String query(PgmuxServer pgmux, Properties props, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pgmux.url(DB), props)) {
            return single(c, sql);
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    /** The TLS session of a pgjdbc connection as the client sees it, or null on a plain socket. */
    private static SSLSession sslSession(Connection c) throws Exception {
        SSLSocket socket = sslSocket(c);
        return socket != null ? socket.getSession() : null;
    }

    /** pgjdbc's socket when it is a TLS socket (pgjdbc has no public accessor: its PGStream is read by reflection). */
    private static SSLSocket sslSocket(Connection c) throws Exception {
        Object executor = c.unwrap(PgConnection.class).getQueryExecutor();
        Field field = QueryExecutorBase.class.getDeclaredField("pgStream");
        field.setAccessible(true);
        Socket socket = ((PGStream) field.get(executor)).getSocket();
        return socket instanceof SSLSocket ssl ? ssl : null;
    }

    /** A client TLS context trusting the test CA, with a client certificate when one is given. */
    private static SSLContext sslContext(TestCertificates certs, TestCertificates.Issued client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certs.caCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (client != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", readKey(client.key()), new char[0],
                    new Certificate[] {client.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf != null ? kmf.getKeyManagers() : null, tmf.getTrustManagers(), null);
        return context;
    }

    private static PrivateKey readKey(Path pkcs8) throws Exception {
        String base64 = Files.readString(pkcs8).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                .decode(base64)));
    }

    /**
     * SSLRequest, 'S', then a TLS handshake on the same socket with only {@code protocol} enabled (all when null);
     * the first read after the handshake proves a TLS 1.3 server accepted the client certificate. A refusal is an
     * IOException: the server's alert (SSLException), or a reset when the startup packet crosses the server's close.
     */
    private static SSLSocket rawTls(int port, SSLContext context, String protocol) throws Exception {
        RawPgClient raw = RawPgClient.connect(port);
        try {
            raw.send(RawPgClient.sslRequest());
            assertEquals('S', raw.readByte());
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw.socket(), "127.0.0.1", port,
                    true);
            if (protocol != null) {
                socket.setEnabledProtocols(new String[] {protocol});
            }
            socket.setSoTimeout(RawPgClient.READ_TIMEOUT_MILLIS);
            socket.startHandshake();
            // TLS 1.3 checks the client's certificate after the client's side of the handshake is done: a startup
            // packet and its answer show whether the server went on.
            RawPgClient client = RawPgClient.over(socket);
            client.send(RawPgClient.startupMessage(Map.of("user", USER, "database", DB)));
            RawPgClient.Message m = client.readMessage();
            assertEquals('R', m.type(), "an authentication request over TLS");
            return socket;
        } catch (Exception | Error e) {
            raw.close();
            throw e;
        }
    }

    private static int clients(PgmuxServer pgmux) {
        int n = 0;
        for (int i = 0; i < pgmux.pgmux().engine().loops().length; i++) {
            n += pgmux.pgmux().engine().loopClients(i).size();
        }
        return n;
    }

    /**
     * Runs a client handshake on {@code socket} by hand and returns the client's last flight (its Finished) unsent,
     * so that the caller can send it together with application data.
     */
    private static byte[] handshakeKeepingLastFlight(SSLEngine engine, Socket socket) throws IOException {
        int size = engine.getSession().getPacketBufferSize();
        ByteBuffer netIn = ByteBuffer.allocate(size * 4);
        ByteBuffer appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
        ByteBuffer empty = ByteBuffer.allocate(0);
        InputStream in = socket.getInputStream();
        engine.beginHandshake();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (int step = 0; step < 100; step++) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    ByteBuffer out = ByteBuffer.allocate(size);
                    SSLEngineResult r = engine.wrap(empty, out);
                    pending.write(out.array(), 0, out.position());
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED
                            || r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                        return pending.toByteArray();
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (pending.size() > 0) {
                        socket.getOutputStream().write(pending.toByteArray());
                        socket.getOutputStream().flush();
                        pending.reset();
                    }
                    netIn.flip();
                    SSLEngineResult r = engine.unwrap(netIn, appIn);
                    netIn.compact();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        byte[] chunk = new byte[size];
                        int n = in.read(chunk);
                        if (n < 0) {
                            throw new EOFException("closed during the handshake");
                        }
                        netIn.put(chunk, 0, n);
                    }
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                default -> {
                    return pending.toByteArray();
                }
            }
        }
        throw new AssertionError("handshake did not finish");
    }

    /** A TLS connection that starts with the ClientHello (no SSLRequest), offering {@code alpn} if not null. */
    private static SSLSocket directTls(int port, SSLContext context, String alpn) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            socket.setSoTimeout(RawPgClient.READ_TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), RawPgClient.READ_TIMEOUT_MILLIS);
            if (alpn != null) {
                SSLParameters params = socket.getSSLParameters();
                params.setApplicationProtocols(new String[] {alpn});
                socket.setSSLParameters(params);
            }
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static byte[] concat(byte[]... parts) {
        return RawPgClient.concat(parts);
    }

    /**
     * A "server" on 127.0.0.1 that reads an SSLRequest and answers with {@code answer} in one write (for instance 'S'
     * followed by plaintext protocol), then records whatever the connection sends until it is closed.
     */
    private static final class FakeServer implements AutoCloseable {
        private final ServerSocket listener;
        private final byte[] answer;
        private final List<byte[]> received = new CopyOnWriteArrayList<>();
        private final Thread thread;

        FakeServer(byte[] answer) throws IOException {
            this.answer = answer;
            this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            this.thread = new Thread(this::run, "fake-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        List<byte[]> received() {
            return received;
        }

        void awaitConnections(int count) throws Exception {
            Await.until(Duration.ofSeconds(10), count + " connections to the fake server",
                    () -> received.size() >= count);
        }

        private void run() {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(10_000);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] request = new byte[8];
                    in.readFully(request);
                    s.getOutputStream().write(answer);
                    s.getOutputStream().flush();
                    received.add(concat(request, readToEnd(in)));
                } catch (IOException e) {
                    // closed listener, or a peer that went away
                }
            }
        }

        private static byte[] readToEnd(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1024];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                out.write("<still open>".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // reset: as good as closed
            }
            return out.toByteArray();
        }

        @Override
        public void close() throws Exception {
            listener.close();
            thread.join(15_000);
        }
    }
}
