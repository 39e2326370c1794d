package io.pgmux.admin;

import java.util.Locale;

/** The server parameters drivers read or set on connect, which the admin console answers with fixed values. */
public enum FakeParameter {
    CLIENT_ENCODING("UTF-8"),
    DEFAULT_TRANSACTION_ISOLATION("read committed"),
    STANDARD_CONFORMING_STRINGS("on"),
    DATESTYLE("ISO"),
    TIMEZONE("GMT");

    private final String value;

    FakeParameter(String value) {
        this.value = value;
    }

    /** The parameter's name, lower case, which is also the column name of its SHOW. */
    public String parameterName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value SHOW answers. */
    public String value() {
        return value;
    }

    /** The parameter with this name in any case, or null. */
    public static FakeParameter find(String name) {
        for (FakeParameter p : values()) {
            if (p.parameterName().equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }
}
