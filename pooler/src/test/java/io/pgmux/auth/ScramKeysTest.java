package io.pgmux.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.config.Secret;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Key derivation and the verifier text, against independently computed values. */
class ScramKeysTest {

    /** Computed independently with Python's hashlib.pbkdf2_hmac and hmac for "hunter2", salt 00..0f, 4096. */
    private static final String HUNTER2_VERIFIER = "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw=="
            + "$ijmdkBF6VaUuRpEzxe8P8NyZKzuHGkoluJBVZ5DF5+Q=:naMMD2q/yKfDcTgfNhpZqsbkzoRQwOPfT/TgHEPWP7w=";

    private static final Pattern VERIFIER_FORMAT = Pattern.compile(
            "SCRAM-SHA-256\\$(\\d+):([A-Za-z0-9+/]{22}==)\\$([A-Za-z0-9+/]{43}=):([A-Za-z0-9+/]{43}=)");

    @Test
    void knownVerifierMatchesIndependentComputation() {
        byte[] salt = new byte[16];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) i;
        }
        assertEquals(HUNTER2_VERIFIER, ScramKeys.fromPassword("hunter2", salt, 4096).text());
    }

    @Test
    void verifierHasPostgresFormatAndParsesBack() {
        Secret.Scram scram = ScramKeys.fromPassword("correct horse", 4096);
        Matcher matcher = VERIFIER_FORMAT.matcher(scram.text());
        assertTrue(matcher.matches(), scram.text());
        assertEquals("4096", matcher.group(1));

        Secret parsed = Secret.parse(scram.text());
        Secret.Scram reparsed = (Secret.Scram) parsed;
        assertEquals(4096, reparsed.iterations());
        assertArrayEquals(scram.salt(), reparsed.salt());
        assertArrayEquals(scram.storedKey(), reparsed.storedKey());
        assertArrayEquals(scram.serverKey(), reparsed.serverKey());
    }

    @Test
    void randomSaltsDiffer() {
        byte[] first = ScramKeys.fromPassword("same", 1).salt();
        byte[] second = ScramKeys.fromPassword("same", 1).salt();
        assertEquals(ScramKeys.SALT_LENGTH, first.length);
        assertFalse(Arrays.equals(first, second));
    }

    @Test
    void rfc7677ClientKeyAndStoredKey() {
        byte[] clientKey = ScramKeys.clientKey(ScramKeys.saltedPassword(Rfc7677.PASSWORD, Rfc7677.SALT, 4096));
        assertArrayEquals(Rfc7677.CLIENT_KEY, clientKey);
        assertArrayEquals(ScramKeys.storedKey(clientKey), Rfc7677.verifier().storedKey());
    }

    @Test
    void keysAreDerivedFromTheSaslPreparedPassword() {
        byte[] salt = {1, 2, 3, 4};
        assertArrayEquals(ScramKeys.saltedPassword("a b", salt, 2), ScramKeys.saltedPassword("a\u00A0b", salt, 2));
        assertFalse(Arrays.equals(ScramKeys.saltedPassword("ab", salt, 2), ScramKeys.saltedPassword("a b", salt, 2)));
    }
}
