package io.pgmux.pool;

import io.pgmux.config.Secret;

/**
 * What pgmux logs in to a server with: a plain password, an md5 hash (enough for md5 servers), or a SCRAM
 * verifier (enough for SCRAM servers once a client has proved its ClientKey). Any of them may be absent.
 */
public record ServerCredentials(String password, Secret.Scram scramSecret) {

    /** No password: trust or peer logins only. */
    public static final ServerCredentials NONE = new ServerCredentials(null, null);

    /** The credentials a stored secret gives. */
    public static ServerCredentials of(Secret secret) {
        if (secret instanceof Secret.Plain plain) {
            return new ServerCredentials(plain.password(), null);
        }
        if (secret instanceof Secret.Md5 md5) {
            return new ServerCredentials(md5.hash(), null);
        }
        if (secret instanceof Secret.Scram scram) {
            return new ServerCredentials(null, scram);
        }
        return NONE;
    }

    @Override
    public String toString() {
        return "ServerCredentials[" + (password != null ? "password" : "") + (scramSecret != null ? " scram" : "")
                + "]";
    }
}
