package io.pgmux.config;

import java.util.Optional;

/**
 * The authentication methods PgBouncer accepts in an HBA file. Others ({@code pam}, {@code ident}, {@code gss},
 * {@code sspi}, {@code radius}, {@code any}, {@code plain}, ...) make PgBouncer ignore the line.
 */
public enum HbaMethod {
    TRUST("trust"), REJECT("reject"), MD5("md5"), PASSWORD("password"), SCRAM_SHA_256("scram-sha-256"),
    CERT("cert"), PEER("peer"),
    /** LDAP; the rest of the line is kept verbatim as the LDAP options. */
    LDAP("ldap");

    private final String keyword;

    HbaMethod(String keyword) {
        this.keyword = keyword;
    }

    /** The word as written in the HBA file. */
    public String keyword() {
        return keyword;
    }

    /** The method an unquoted word names; case matters, as in PgBouncer. */
    static Optional<HbaMethod> forKeyword(String word) {
        for (HbaMethod method : values()) {
            if (method.keyword.equals(word)) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }
}
