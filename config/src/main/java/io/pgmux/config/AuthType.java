package io.pgmux.config;

import java.util.Locale;

/** How clients prove who they are ({@code auth_type}), with PgBouncer's names. */
public enum AuthType {
    ANY("any"), TRUST("trust"), PLAIN("plain"), MD5("md5"), SCRAM_SHA_256("scram-sha-256"),
    CERT("cert"), HBA("hba"), PAM("pam"), LDAP("ldap");

    private final String configName;

    AuthType(String configName) {
        this.configName = configName;
    }

    /** The name as written in pgbouncer.ini. */
    public String configName() {
        return configName;
    }

    /** Parses a config value; null when it names no method. */
    public static AuthType parseOrNull(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (AuthType type : values()) {
            if (type.configName.equals(t)) {
                return type;
            }
        }
        return null;
    }
}
