package io.pgmux.admin.show;

import java.util.Locale;
import java.util.regex.Pattern;

/** Hides secrets in SHOW CONFIG: settings named like a password or secret, and ldapbindpasswd in LDAP options. */
final class SecretMask {
    /** What a hidden secret prints as. */
    static final String MASK = "********";

    /** {@code ldapbindpasswd=value} as auth_ldap_options writes it, value bare or double-quoted. */
    private static final Pattern LDAP_BIND_PASSWORD =
            Pattern.compile("(ldapbindpasswd[ \\t]*=[ \\t]*)(\"(?:[^\"]|\"\")*+\"?|[^ \\t]*)", Pattern.CASE_INSENSITIVE);

    private SecretMask() {
    }

    /** The value to print for this setting: null and empty values as they are, secrets as {@link #MASK}. */
    static String configValue(String key, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        String name = key.toLowerCase(Locale.ROOT);
        if (name.contains("password") || name.contains("passwd") || name.contains("secret")) {
            return MASK;
        }
        return LDAP_BIND_PASSWORD.matcher(value).replaceAll("$1" + MASK);
    }
}
