package io.pgmux.auth;

import io.pgmux.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** SCRAM-SHA-256 key derivation (RFC 5802 section 3) and PostgreSQL's verifier format. */
public final class ScramKeys {

    /** Length of every SCRAM-SHA-256 key, proof and signature: one SHA-256 output. */
    public static final int KEY_LENGTH = 32;

    /** Salt length PostgreSQL uses for new verifiers ({@code SCRAM_DEFAULT_SALT_LEN}). */
    public static final int SALT_LENGTH = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramKeys() {
    }

    /** {@code Hi(SASLprep(password), salt, iterations)}, i.e. PBKDF2-HMAC-SHA-256 with one output block. */
    public static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        // SunJCE's PBKDF2 feeds the password to HMAC as UTF-8, the encoding PostgreSQL hashes.
        KeySpec spec = new PBEKeySpec(SaslPrep.normalize(password).toCharArray(), salt, iterations, KEY_LENGTH * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks PBKDF2WithHmacSHA256", e);
        }
    }

    /** {@code HMAC(SaltedPassword, "Client Key")}. */
    public static byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code HMAC(SaltedPassword, "Server Key")}. */
    public static byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code H(ClientKey)}, what the server stores to check a client's proof. */
    public static byte[] storedKey(byte[] clientKey) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(clientKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }

    /** A verifier as PostgreSQL stores it: {@code SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>}. */
    public static Secret.Scram fromPassword(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        byte[] storedKey = storedKey(clientKey(salted));
        byte[] serverKey = serverKey(salted);
        Base64.Encoder b64 = Base64.getEncoder();
        String text = "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt)
                + "$" + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
        return new Secret.Scram(iterations, salt.clone(), storedKey, serverKey, text);
    }

    /** {@link #fromPassword(String, byte[], int)} with a fresh random salt of {@link #SALT_LENGTH} bytes. */
    public static Secret.Scram fromPassword(String password, int iterations) {
        return fromPassword(password, randomBytes(SALT_LENGTH), iterations);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HmacSHA256", e);
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A fresh nonce part as PostgreSQL makes it: 18 random bytes ({@code SCRAM_RAW_NONCE_LEN}) in base64. */
    static String randomNonce() {
        return Base64.getEncoder().encodeToString(randomBytes(18));
    }
}
