package io.pgmux.auth;

import io.pgmux.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/** PostgreSQL's md5 password scheme: the stored hash and the salted response to AuthenticationMD5Password. */
public final class Md5Password {

    private static final String PREFIX = "md5";

    private Md5Password() {
    }

    /** {@code "md5" + hex(md5(password || user))}, as PostgreSQL stores an md5 password. */
    public static String encrypt(String password, String user) {
        return PREFIX + md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
    }

    /** What a client answers to AuthenticationMD5Password: {@code "md5" + hex(md5(hex-of-hash || salt))}. */
    public static String saltedResponse(String md5Hash, byte[] salt) {
        if (md5Hash.length() != 35 || !md5Hash.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not an md5 password hash");
        }
        // Clients hash the lowercase hex PostgreSQL writes; an auth_file may spell it in capitals.
        byte[] hex = md5Hash.substring(PREFIX.length()).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[hex.length + salt.length];
        System.arraycopy(hex, 0, input, 0, hex.length);
        System.arraycopy(salt, 0, input, hex.length, salt.length);
        return PREFIX + md5Hex(input);
    }

    /**
     * Whether {@code response} is the right answer for {@code user} and {@code salt}, compared in constant time.
     *
     * @throws IllegalArgumentException for a SCRAM secret, against which PostgreSQL demands SCRAM instead
     */
    public static boolean verify(Secret stored, String user, byte[] salt, String response) {
        String hash;
        if (stored instanceof Secret.Md5 md5) {
            hash = md5.hash();
        } else if (stored instanceof Secret.Plain plain) {
            hash = encrypt(plain.password(), user);
        } else {
            throw new IllegalArgumentException("md5 cannot be verified against a SCRAM secret");
        }
        byte[] expected = saltedResponse(hash, salt).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, response.getBytes(StandardCharsets.UTF_8));
    }

    private static String md5Hex(byte[] input) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(input));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks MD5", e);
        }
    }
}
