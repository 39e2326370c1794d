package io.pgmux.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgmux.config.Setting;
import io.pgmux.config.Settings;
import io.pgmux.testing.TestCertificates;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsContextsTest {

    @Test
    void translatesOpenSslCipherNamesToTheJdks() throws Exception {
        try (TestCertificates certs = TestCertificates.create()) {
            Settings settings = Settings.defaults()
                    .with(Setting.CLIENT_TLS_SSLMODE, "require")
                    .with(Setting.CLIENT_TLS_CERT_FILE, certs.server().cert().toString())
                    .with(Setting.CLIENT_TLS_KEY_FILE, certs.server().key().toString())
                    .with(Setting.CLIENT_TLS_CIPHERS, "ECDHE-RSA-AES128-GCM-SHA256:NOT-A-CIPHER")
                    .with(Setting.CLIENT_TLS13_CIPHERS, "TLS_AES_256_GCM_SHA384");
            List<String> suites = TlsContexts.forClients(settings).context().cipherSuites();
            assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"), suites);
        }
    }

    @Test
    void readsPgBouncersProtocolWords() {
        assertArrayEquals(new String[] {"TLSv1.2", "TLSv1.3"}, TlsContexts.protocols("secure"));
        assertArrayEquals(new String[] {"TLSv1.3"}, TlsContexts.protocols("tlsv1.3"));
        assertArrayEquals(new String[] {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}, TlsContexts.protocols("all"));
    }

    @Test
    void sslModesOrderByStrictness() {
        assertEquals(SslMode.VERIFY_FULL, SslMode.parse("verify-full"));
        assertEquals(true, SslMode.REQUIRE.required());
        assertEquals(false, SslMode.PREFER.required());
        assertEquals(true, SslMode.VERIFY_CA.verifiesCertificate());
        assertThrows(IllegalArgumentException.class, () -> SslMode.parse("sometimes"));
    }
}
