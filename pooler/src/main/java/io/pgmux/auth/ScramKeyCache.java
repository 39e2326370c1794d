package io.pgmux.auth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * SCRAM pass-through: the ClientKey each user proved in a SCRAM login against a stored verifier. With it and the
 * same verifier, pgmux can log in to the server as that user without knowing the password, as PgBouncer does.
 * Keys live only in memory.
 */
public final class ScramKeyCache {
    private final ConcurrentHashMap<String, byte[]> clientKeys = new ConcurrentHashMap<>();

    public void put(String user, byte[] clientKey) {
        clientKeys.put(user, clientKey.clone());
    }

    /** The user's ClientKey, or null when no client of that user has logged in with SCRAM yet. */
    public byte[] get(String user) {
        byte[] key = clientKeys.get(user);
        return key == null ? null : key.clone();
    }
}
