package io.pgmux.config;

import java.util.Optional;

/** The first column of an HBA line: which connections the rule is about. */
public enum HbaRuleType {
    LOCAL("local"), HOST("host"), HOSTSSL("hostssl"), HOSTNOSSL("hostnossl");

    private final String keyword;

    HbaRuleType(String keyword) {
        this.keyword = keyword;
    }

    /** The word as written in the HBA file. */
    public String keyword() {
        return keyword;
    }

    /** Whether a connection of this kind, with or without TLS, is one this rule type is about. */
    public boolean admits(ConnectionKind kind, boolean tls) {
        return switch (this) {
            case LOCAL -> kind == ConnectionKind.LOCAL;
            case HOST -> kind == ConnectionKind.HOST;
            case HOSTSSL -> kind == ConnectionKind.HOST && tls;
            case HOSTNOSSL -> kind == ConnectionKind.HOST && !tls;
        };
    }

    /** The type an unquoted word names; case matters, as in PgBouncer. */
    static Optional<HbaRuleType> forKeyword(String word) {
        for (HbaRuleType type : values()) {
            if (type.keyword.equals(word)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
