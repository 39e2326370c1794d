package io.pgmux.tls;

import java.util.Locale;

/** {@code client_tls_sslmode} / {@code server_tls_sslmode}, in order of strictness, with libpq's names. */
public enum SslMode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    /** Parses {@code disable}, {@code allow}, {@code prefer}, {@code require}, {@code verify-ca}, {@code verify-full}. */
    public static SslMode parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** TLS is mandatory: a peer without it is refused. */
    public boolean required() {
        return compareTo(REQUIRE) >= 0;
    }

    /** The peer's certificate must chain to the CA file. */
    public boolean verifiesCertificate() {
        return compareTo(VERIFY_CA) >= 0;
    }
}
