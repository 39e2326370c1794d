package io.pgmux.config;

/**
 * A user's password as stored in {@code auth_file} or a {@code [databases]} entry: in plain text,
 * as PostgreSQL's md5 hash, or as a SCRAM-SHA-256 verifier.
 */
public sealed interface Secret permits Secret.Plain, Secret.Md5, Secret.Scram {

    /**
     * Parses a secret as PgBouncer reads it: {@code md5} + 32 lower-case hex digits, a well-formed
     * {@code SCRAM-SHA-256$...} verifier, else plain text.
     */
    static Secret parse(String text) {
        if (text.length() == 35 && text.startsWith("md5") && isHex(text.substring(3))) {
            return new Md5(text);
        }
        if (text.startsWith(Scram.PREFIX)) {
            Scram scram = Scram.parseOrNull(text);
            if (scram != null) {
                return scram;
            }
        }
        return new Plain(text);
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** A plain-text password. */
    record Plain(String password) implements Secret {
        @Override
        public String toString() {
            return "Plain[***]";
        }
    }

    /** {@code "md5" + hex(md5(password || username))}, as in {@code pg_authid.rolpassword}. */
    record Md5(String hash) implements Secret {
        @Override
        public String toString() {
            return "Md5[***]";
        }
    }

    /**
     * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} with base64 salt and keys (RFC 5803 form,
     * as PostgreSQL stores it).
     */
    record Scram(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey, String text) implements Secret {
        static final String PREFIX = "SCRAM-SHA-256$";

        static Scram parseOrNull(String text) {
            String rest = text.substring(PREFIX.length());
            int dollar = rest.indexOf('$');
            if (dollar < 0) {
                return null;
            }
            String[] iterSalt = rest.substring(0, dollar).split(":", -1);
            String[] keys = rest.substring(dollar + 1).split(":", -1);
            if (iterSalt.length != 2 || keys.length != 2) {
                return null;
            }
            try {
                int iterations = Integer.parseInt(iterSalt[0]);
                java.util.Base64.Decoder b64 = java.util.Base64.getDecoder();
                byte[] salt = b64.decode(iterSalt[1]);
                byte[] storedKey = b64.decode(keys[0]);
                byte[] serverKey = b64.decode(keys[1]);
                if (iterations <= 0 || storedKey.length != 32 || serverKey.length != 32) {
                    return null;
                }
                return new Scram(iterations, salt, storedKey, serverKey, text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** Equal when the verifier text is, since the text determines every part (arrays compare by content). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Scram other && text.equals(other.text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }

        @Override
        public String toString() {
            return "Scram[***]";
        }
    }
}
