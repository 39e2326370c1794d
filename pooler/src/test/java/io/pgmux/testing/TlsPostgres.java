package io.pgmux.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * PostgreSQL servers with TLS on, for the server_tls_* tests, apart from the plain server of
 * {@link PostgresExtension}: {@link #server()} presents the certificate for localhost / 127.0.0.1 and
 * {@link #otherHostServer()} one for {@link TestCertificates#OTHER_HOST} (valid under verify-ca, not verify-full),
 * both from the CA of {@link #certificates()}. Their pg_hba.conf rejects every TCP login without TLS except the
 * superuser's, so a login that works proves TLS from the server's side; {@link #CERT_DATABASE} takes only a client
 * certificate (method {@code cert}). Started once per test run and stopped when it ends; tests take a
 * {@code TlsPostgres} parameter with {@code @ExtendWith(TlsPostgres.Extension.class)}.
 */
public final class TlsPostgres implements AutoCloseable {
    /** A database whose logins are checked by client certificate alone (pg_hba method cert). */
    public static final String CERT_DATABASE = "certdb";

    private final TestCertificates certificates;
    private final TestPostgres server;
    private final TestPostgres otherHostServer;

    private TlsPostgres(TestCertificates certificates, TestPostgres server, TestPostgres otherHostServer) {
        this.certificates = certificates;
        this.server = server;
        this.otherHostServer = otherHostServer;
    }

    /** The CA and certificates the servers use; tests may issue more from it but must not change its files. */
    public TestCertificates certificates() {
        return certificates;
    }

    /** ssl = on with the certificate for localhost and 127.0.0.1. */
    public TestPostgres server() {
        return server;
    }

    /** ssl = on with a certificate for another host name. */
    public TestPostgres otherHostServer() {
        return otherHostServer;
    }

    /**
     * Whether each client backend of {@code user} runs over TLS, from pg_stat_ssl joined with pg_stat_activity on a
     * superuser connection (the connection's own backend is left out).
     */
    public static List<Boolean> sslOfBackends(Connection superuser, String user) throws SQLException {
        try (PreparedStatement ps = superuser.prepareStatement("SELECT s.ssl FROM pg_stat_activity a"
                + " JOIN pg_stat_ssl s ON s.pid = a.pid"
                + " WHERE a.usename = ? AND a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                List<Boolean> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getBoolean(1));
                }
                return out;
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            server.close();
        } finally {
            try {
                otherHostServer.close();
            } finally {
                certificates.close();
            }
        }
    }

    private static TlsPostgres start() {
        TestCertificates certificates = TestCertificates.create();
        TestPostgres server = null;
        try {
            server = startServer(certificates, certificates.server());
            TestPostgres otherHost = startServer(certificates, certificates.otherHostServer());
            return new TlsPostgres(certificates, server, otherHost);
        } catch (RuntimeException e) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            certificates.close();
            throw e;
        }
    }

    private static TestPostgres startServer(TestCertificates certificates, TestCertificates.Issued certificate) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", certificate.cert().toString())
                .setServerConfig("ssl_key_file", certificate.key().toString())
                .setServerConfig("ssl_ca_file", certificates.caCert().toString());
        return PostgresExtension.start(builder, List.of(
                "local all all trust",
                "host all postgres 127.0.0.1/32 trust",
                "hostssl " + CERT_DATABASE + " all 127.0.0.1/32 cert",
                "hostssl all all 127.0.0.1/32 scram-sha-256",
                "hostnossl all all 127.0.0.1/32 reject"), CERT_DATABASE);
    }

    /** Resolves {@link TlsPostgres} parameters: one instance for the whole test run. */
    public static final class Extension implements ParameterResolver {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TlsPostgres.class);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TlsPostgres.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(NS).getOrComputeIfAbsent(TlsPostgres.class, k -> start(),
                    TlsPostgres.class);
        }
    }
}
