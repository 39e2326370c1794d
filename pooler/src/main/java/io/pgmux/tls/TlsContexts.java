package io.pgmux.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.pgmux.config.Setting;
import io.pgmux.config.Settings;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * Builds the TLS contexts from the {@code client_tls_*} and {@code server_tls_*} settings: one to accept clients,
 * one to connect to servers. Built again on RELOAD, so new handshakes use changed files.
 */
public final class TlsContexts {
    private static final Logger LOG = Logger.getLogger(TlsContexts.class.getName());
    /** ALPN name of PostgreSQL 17's direct TLS. */
    public static final String ALPN_POSTGRESQL = "postgresql";
    /** libtls's cipher keywords, which leave the JDK's defaults in place. */
    private static final List<String> KEYWORDS = List.of("default", "secure", "fast", "normal", "auto", "all");

    private TlsContexts() {
    }

    /** TLS for clients: the mode, and a context unless the mode is disable. */
    public record ClientTls(SslMode mode, SslContext context) {
        /** TLS is off. */
        public static final ClientTls DISABLED = new ClientTls(SslMode.DISABLE, null);

        public boolean enabled() {
            return context != null;
        }
    }

    /** TLS to servers: the mode, and a context unless the mode is disable. */
    public record ServerTls(SslMode mode, SslContext context) {
        /** TLS is off. */
        public static final ServerTls DISABLED = new ServerTls(SslMode.DISABLE, null);

        public boolean enabled() {
            return context != null;
        }
    }

    /**
     * The context clients handshake with: pgmux's key and certificate, the CA for client certificates (asked for
     * when a CA file is set, required from verify-ca on), the protocols, and ALPN {@code postgresql}.
     *
     * @throws SSLException when a file cannot be read or the settings are contradictory
     */
    public static ClientTls forClients(Settings settings) throws SSLException {
        SslMode mode = SslMode.parse(settings.string(Setting.CLIENT_TLS_SSLMODE));
        if (mode == SslMode.DISABLE) {
            return ClientTls.DISABLED;
        }
        String key = settings.string(Setting.CLIENT_TLS_KEY_FILE);
        String cert = settings.string(Setting.CLIENT_TLS_CERT_FILE);
        if (isBlank(key) || isBlank(cert)) {
            throw new SSLException("client_tls_sslmode = " + settings.string(Setting.CLIENT_TLS_SSLMODE)
                    + " needs client_tls_key_file and client_tls_cert_file");
        }
        SslContextBuilder builder;
        try {
            builder = SslContextBuilder.forServer(new File(cert), new File(key));
        } catch (IllegalArgumentException e) {
            throw invalid("client_tls_cert_file / client_tls_key_file", e);
        }
        builder.protocols(protocols(settings, Setting.CLIENT_TLS_PROTOCOLS))
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ALPN_POSTGRESQL));
        String ca = settings.string(Setting.CLIENT_TLS_CA_FILE);
        if (!isBlank(ca)) {
            trust(builder, Setting.CLIENT_TLS_CA_FILE, ca);
            builder.clientAuth(mode.verifiesCertificate() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        } else if (mode.verifiesCertificate()) {
            throw new SSLException("client_tls_sslmode = verify-ca/verify-full needs client_tls_ca_file");
        }
        applyCiphers(builder, settings, Setting.CLIENT_TLS_CIPHERS, Setting.CLIENT_TLS13_CIPHERS);
        warnIgnored(settings, Setting.CLIENT_TLS_ECDHCURVE, Setting.CLIENT_TLS_DHEPARAMS);
        return new ClientTls(mode, builder.build());
    }

    /**
     * The context pgmux connects to servers with: server certificates are checked against the CA file from
     * verify-ca on (the host name too with verify-full, set per connection), not checked below; a client
     * certificate is offered when key and cert files are set.
     */
    public static ServerTls forServers(Settings settings) throws SSLException {
        SslMode mode = SslMode.parse(settings.string(Setting.SERVER_TLS_SSLMODE));
        if (mode == SslMode.DISABLE) {
            return ServerTls.DISABLED;
        }
        // Netty 4.2 checks the host name by default; only verify-full does, per connection (ServerTlsNegotiator).
        SslContextBuilder builder = SslContextBuilder.forClient()
                .endpointIdentificationAlgorithm(null)
                .protocols(protocols(settings, Setting.SERVER_TLS_PROTOCOLS));
        String ca = settings.string(Setting.SERVER_TLS_CA_FILE);
        if (mode.verifiesCertificate()) {
            if (isBlank(ca)) {
                throw new SSLException("server_tls_sslmode = verify-ca/verify-full needs server_tls_ca_file");
            }
            trust(builder, Setting.SERVER_TLS_CA_FILE, ca);
        } else {
            // allow, prefer and require encrypt without checking who answers, as libpq does.
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        String key = settings.string(Setting.SERVER_TLS_KEY_FILE);
        String cert = settings.string(Setting.SERVER_TLS_CERT_FILE);
        if (!isBlank(key) && !isBlank(cert)) {
            try {
                builder.keyManager(new File(cert), new File(key));
            } catch (IllegalArgumentException e) {
                throw invalid("server_tls_cert_file / server_tls_key_file", e);
            }
        }
        applyCiphers(builder, settings, Setting.SERVER_TLS_CIPHERS, Setting.SERVER_TLS13_CIPHERS);
        return new ServerTls(mode, builder.build());
    }

    /** The protocols of a {@code *_tls_protocols} setting; an unknown word is an SSLException as a bad file is. */
    private static String[] protocols(Settings settings, Setting key) throws SSLException {
        try {
            return protocols(settings.string(key));
        } catch (IllegalArgumentException e) {
            throw invalid(key.key(), e);
        }
    }

    /** Trusts the certificates of a {@code *_tls_ca_file} setting. */
    private static void trust(SslContextBuilder builder, Setting key, String file) throws SSLException {
        try {
            builder.trustManager(new File(file));
        } catch (IllegalArgumentException e) {
            throw invalid(key.key(), e);
        }
    }

    /**
     * Netty reports unreadable key and certificate files as IllegalArgumentException: made an SSLException naming
     * the setting, as PgBouncer does, so that start and RELOAD treat it as the TLS error it is.
     */
    private static SSLException invalid(String settings, IllegalArgumentException e) {
        return new SSLException("invalid " + settings + ": " + e.getMessage(), e);
    }

    /** PgBouncer's protocol words: secure (TLS 1.2 and 1.3), all, legacy, or a list such as tlsv1.2,tlsv1.3. */
    static String[] protocols(String text) {
        List<String> out = new ArrayList<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[,:\\s]+")) {
            switch (word) {
                case "", "secure", "default" -> {
                    out.add("TLSv1.2");
                    out.add("TLSv1.3");
                }
                case "all", "legacy" -> out.addAll(List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"));
                case "tlsv1.0", "tlsv1" -> out.add("TLSv1");
                case "tlsv1.1" -> out.add("TLSv1.1");
                case "tlsv1.2" -> out.add("TLSv1.2");
                case "tlsv1.3" -> out.add("TLSv1.3");
                default -> throw new IllegalArgumentException("unknown TLS protocol: " + word);
            }
        }
        return out.stream().distinct().toArray(String[]::new);
    }

    /**
     * The cipher settings are OpenSSL cipher lists; each named suite is translated to the JDK's name. Keywords
     * (default, secure, HIGH, !aNULL ...) cannot be expressed for the JDK: with nothing nameable left, the JDK's own
     * defaults apply, and whatever was not applied is logged.
     */
    private static void applyCiphers(SslContextBuilder builder, Settings settings, Setting tls12, Setting tls13) {
        List<String> suites = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Setting key : List.of(tls12, tls13)) {
            String value = settings.string(key);
            if (value == null || KEYWORDS.contains(value.trim().toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String name : value.split("[:,\\s]+")) {
                String java = name.startsWith("TLS_") ? name : CipherSuiteConverter.toJava(name, "TLS");
                if (java != null) {
                    suites.add(java);
                } else if (!name.isEmpty()) {
                    skipped.add(name);
                }
            }
        }
        if (!suites.isEmpty()) {
            builder.ciphers(suites, SupportedCipherSuiteFilter.INSTANCE);
        }
        if (!skipped.isEmpty()) {
            LOG.warning(tls12.key() + "/" + tls13.key() + ": not applied (no JDK equivalent): " + skipped);
        }
    }

    /** Settings the JDK's TLS cannot apply per context (curves, DH parameters) are logged when changed. */
    private static void warnIgnored(Settings settings, Setting... keys) {
        for (Setting key : keys) {
            String value = settings.string(key);
            if (value != null && !value.isBlank() && !KEYWORDS.contains(value.trim().toLowerCase(Locale.ROOT))) {
                LOG.warning(key.key() + " = " + value + " is not applied: pgmux uses the JDK's TLS defaults");
            }
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
