package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretTest {
    /** PostgreSQL's format for password "pencil", salt bytes 1..16, 4096 iterations. */
    static final String PENCIL_SCRAM = "SCRAM-SHA-256$4096:AQIDBAUGBwgJCgsMDQ4PEA==$"
            + "B9Mb8TSkDsvpddTD0BDmSDpJAo08+gvK8zcSCGRjCZw=:0z4kjgndRyJQnA93HtYE376F1vMDI59QM1nDcPyu8Rw=";

    /** PgBouncer's documented example: user admin, password 1234. */
    static final String ADMIN_MD5 = "md545f2603610af569b6155c45067268c6b";

    @Test
    void plainTextIsKeptAsWritten() {
        Secret s = Secret.parse("s3cret with spaces");
        assertEquals(new Secret.Plain("s3cret with spaces"), s);
    }

    @Test
    void md5HashIsRecognised() throws Exception {
        Secret s = Secret.parse(ADMIN_MD5);
        assertEquals(new Secret.Md5(ADMIN_MD5), s);
        assertEquals(ADMIN_MD5, "md5" + hex(MessageDigest.getInstance("MD5")
                .digest("1234admin".getBytes(StandardCharsets.UTF_8))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "md545F2603610AF569B6155C45067268C6B", // PgBouncer accepts lower-case hex only
        "md545f2603610af569b6155c45067268c6",  // too short
        "md545f2603610af569b6155c45067268c6b0", // too long
        "md545f2603610af569b6155c45067268c6g"  // not hex
    })
    void almostMd5IsPlainText(String text) {
        assertEquals(new Secret.Plain(text), Secret.parse(text));
    }

    @Test
    void scramVerifierGivesItsParts() throws Exception {
        Secret.Scram scram = assertInstanceOf(Secret.Scram.class, Secret.parse(PENCIL_SCRAM));
        byte[] salt = new byte[16];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (i + 1);
        }
        assertEquals(4096, scram.iterations());
        assertArrayEquals(salt, scram.salt());
        assertEquals(PENCIL_SCRAM, scram.text());

        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec("pencil".toCharArray(), salt, 4096, 256)).getEncoded();
        byte[] clientKey = hmac(salted, "Client Key");
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(clientKey), scram.storedKey());
        assertArrayEquals(hmac(salted, "Server Key"), scram.serverKey());
    }

    @Test
    void scramVerifiersCompareByText() {
        assertEquals(Secret.parse(PENCIL_SCRAM), Secret.parse(PENCIL_SCRAM));
        assertEquals(Secret.parse(PENCIL_SCRAM).hashCode(), Secret.parse(PENCIL_SCRAM).hashCode());
        String otherIterations = PENCIL_SCRAM.replace("$4096:", "$4097:");
        assertNotEquals(Secret.parse(PENCIL_SCRAM), Secret.parse(otherIterations));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SCRAM-SHA-256$4096:AQIDBAUGBwgJCgsMDQ4PEA==", // no keys
        "SCRAM-SHA-256$4096:AQIDBAUGBwgJCgsMDQ4PEA==$AAAA:AAAA", // keys not 32 bytes
        "SCRAM-SHA-256$many:AQIDBAUGBwgJCgsMDQ4PEA==$B9Mb8TSkDsvpddTD0BDmSDpJAo08+gvK8zcSCGRjCZw="
                + ":0z4kjgndRyJQnA93HtYE376F1vMDI59QM1nDcPyu8Rw=", // iterations not a number
        "SCRAM-SHA-256$4096:!!!$B9Mb8TSkDsvpddTD0BDmSDpJAo08+gvK8zcSCGRjCZw="
                + ":0z4kjgndRyJQnA93HtYE376F1vMDI59QM1nDcPyu8Rw=" // salt not base64
    })
    void malformedScramIsPlainText(String text) {
        assertEquals(new Secret.Plain(text), Secret.parse(text));
    }

    @Test
    void toStringHidesTheSecret() {
        assertFalse(Secret.parse("hunter2").toString().contains("hunter2"));
        assertFalse(Secret.parse(ADMIN_MD5).toString().contains("45f26036"));
        assertFalse(Secret.parse(PENCIL_SCRAM).toString().contains("AQIDBAUG"));
    }

    private static byte[] hmac(byte[] key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
