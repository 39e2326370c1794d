package io.pgmux.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.config.Secret;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** PostgreSQL md5 hashes and salted responses, against values computed with Python's hashlib. */
class Md5PasswordTest {

    /** {@code python3 -c 'import hashlib; print(hashlib.md5(b"passworduser").hexdigest())'}. */
    private static final String PASSWORD_USER = "md54d45974e13472b5a0be3533de4666414";

    /** Same, then md5 of that hex followed by the salt bytes 01 02 03 04. */
    private static final String SALTED_01020304 = "md5a3576f1ae039b8996bc4fc2720f9c71a";

    private static final byte[] SALT = {1, 2, 3, 4};

    @Test
    void encryptMatchesPostgres() {
        assertEquals(PASSWORD_USER, Md5Password.encrypt("password", "user"));
    }

    @Test
    void saltedResponseMatchesLibpq() {
        assertEquals(SALTED_01020304, Md5Password.saltedResponse(PASSWORD_USER, SALT));
        byte[] deadbeef = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};
        assertEquals("md51b9db6132a24afffa2977ba84e4b389b", Md5Password.saltedResponse(PASSWORD_USER, deadbeef));
    }

    @Test
    void saltedResponseAcceptsCapitalHex() {
        String capitals = "md5" + PASSWORD_USER.substring(3).toUpperCase(Locale.ROOT);
        assertEquals(SALTED_01020304, Md5Password.saltedResponse(capitals, SALT));
    }

    @Test
    void saltedResponseRejectsWhatIsNoMd5Hash() {
        assertThrows(IllegalArgumentException.class, () -> Md5Password.saltedResponse("password", SALT));
    }

    @Test
    void verifyAgainstPlainSecret() {
        Secret plain = new Secret.Plain("password");
        assertTrue(Md5Password.verify(plain, "user", SALT, SALTED_01020304));
        assertFalse(Md5Password.verify(plain, "other", SALT, SALTED_01020304));
        assertFalse(Md5Password.verify(new Secret.Plain("Password"), "user", SALT, SALTED_01020304));
        assertFalse(Md5Password.verify(plain, "user", new byte[] {1, 2, 3, 5}, SALTED_01020304));
    }

    @Test
    void verifyAgainstMd5Secret() {
        Secret md5 = new Secret.Md5(PASSWORD_USER);
        assertTrue(Md5Password.verify(md5, "user", SALT, SALTED_01020304));
        assertFalse(Md5Password.verify(md5, "user", SALT, SALTED_01020304.toUpperCase(Locale.ROOT)));
        assertFalse(Md5Password.verify(md5, "user", SALT, ""));
        assertFalse(Md5Password.verify(md5, "user", SALT, PASSWORD_USER));
    }

    @Test
    void verifyRefusesScramSecret() {
        Secret scram = ScramKeys.fromPassword("password", 4096);
        assertThrows(IllegalArgumentException.class, () -> Md5Password.verify(scram, "user", SALT, SALTED_01020304));
    }
}
