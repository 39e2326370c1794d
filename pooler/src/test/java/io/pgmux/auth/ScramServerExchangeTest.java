package io.pgmux.auth;

import static io.pgmux.auth.Rfc7677.bytes;
import static io.pgmux.auth.Rfc7677.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.config.Secret;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server side: RFC 7677 vector, mock exchange and every kind of malformed client message. */
class ScramServerExchangeTest {

    private static final String NONCE = Rfc7677.CLIENT_NONCE + Rfc7677.SERVER_NONCE_PART;

    private static ScramServerExchange rfcServer() {
        return new ScramServerExchange(Rfc7677.verifier(), () -> Rfc7677.SERVER_NONCE_PART);
    }

    /** An RFC server that has already answered the RFC client-first-message (flag "n"). */
    private static ScramServerExchange rfcServerAfterFirst() throws AuthFailedException {
        ScramServerExchange server = rfcServer();
        server.serverFirst(bytes(Rfc7677.CLIENT_FIRST));
        return server;
    }

    @Test
    void rfc7677Vector() throws AuthFailedException {
        ScramServerExchange server = rfcServer();
        assertEquals(Rfc7677.SERVER_FIRST, text(server.serverFirst(bytes(Rfc7677.CLIENT_FIRST))));
        assertEquals(Rfc7677.SERVER_FINAL, text(server.serverFinal(bytes(Rfc7677.CLIENT_FINAL))));
        assertArrayEquals(Rfc7677.CLIENT_KEY, server.clientKey());
    }

    @Test
    void serverNonceIsClientNoncePlus24RandomCharacters() throws AuthFailedException {
        ScramServerExchange server = new ScramServerExchange(new Secret.Plain("pw"), 4096);
        String first = text(server.serverFirst(bytes("n,,n=,r=abc")));
        assertTrue(first.matches("r=abc[A-Za-z0-9+/]{24},s=[A-Za-z0-9+/]{22}==,i=4096"), first);
    }

    @Test
    void userNameInMessageIsIgnoredAndExtensionsAfterNonceAreSkipped() throws AuthFailedException {
        ScramServerExchange server = rfcServer();
        String first = text(server.serverFirst(bytes("n,,n=somebody,r=" + Rfc7677.CLIENT_NONCE + ",x=ext")));
        assertEquals(Rfc7677.SERVER_FIRST, first);
    }

    @Test
    void wrongProofFails() throws AuthFailedException {
        ScramServerExchange server = rfcServerAfterFirst();
        String forged = "c=biws,r=" + NONCE + ",p=" + Base64.getEncoder().encodeToString(new byte[32]);
        AuthFailedException e = assertThrows(AuthFailedException.class, () -> server.serverFinal(bytes(forged)));
        assertEquals("password authentication failed", e.getMessage());
        assertThrows(IllegalStateException.class, server::clientKey);
    }

    @Test
    void md5SecretCannotVerifyScram() {
        Secret md5 = new Secret.Md5(Md5Password.encrypt("pw", "user"));
        assertThrows(IllegalArgumentException.class, () -> new ScramServerExchange(md5, 4096));
    }

    @Test
    void channelBindingFlagYIsAcceptedWithMatchingBindingData() throws AuthFailedException {
        ScramServerExchange server = rfcServer();
        String clientFirstBare = "n=user,r=" + Rfc7677.CLIENT_NONCE;
        server.serverFirst(bytes("y,," + clientFirstBare));
        String withoutProof = "c=eSws,r=" + NONCE;
        String clientFinal = withoutProof + ",p=" + proof(clientFirstBare, withoutProof);
        String serverFinal = text(server.serverFinal(bytes(clientFinal)));
        assertTrue(serverFinal.startsWith("v="), serverFinal);
    }

    @Test
    void channelBindingMismatchBetweenFlagYAndBiwsFails() throws AuthFailedException {
        ScramServerExchange server = rfcServer();
        String clientFirstBare = "n=user,r=" + Rfc7677.CLIENT_NONCE;
        server.serverFirst(bytes("y,," + clientFirstBare));
        String withoutProof = "c=biws,r=" + NONCE;
        String clientFinal = withoutProof + ",p=" + proof(clientFirstBare, withoutProof);
        assertThrows(AuthFailedException.class, () -> server.serverFinal(bytes(clientFinal)));
    }

    @Test
    void extensionBeforeProofIsSkippedButCoveredByTheProof() throws AuthFailedException {
        ScramServerExchange server = rfcServerAfterFirst();
        String withoutProof = "c=biws,r=" + NONCE + ",x=ext";
        String clientFinal = withoutProof + ",p=" + proof("n=user,r=" + Rfc7677.CLIENT_NONCE, withoutProof);
        server.serverFinal(bytes(clientFinal));
        assertArrayEquals(Rfc7677.CLIENT_KEY, server.clientKey());
    }

    @Test
    void mockExchangeAlwaysFailsLikeAWrongPassword() throws AuthFailedException {
        ScramServerExchange mock = ScramServerExchange.forUnknownUser("ghost", 4096);
        ScramClientExchange client = new ScramClientExchange("anything");
        String serverFirst = text(mock.serverFirst(client.clientFirst()));
        assertTrue(serverFirst.matches("r=[^,]{48},s=[A-Za-z0-9+/]{22}==,i=4096"), serverFirst);
        byte[] clientFinal = client.clientFinal(bytes(serverFirst));
        AuthFailedException e = assertThrows(AuthFailedException.class, () -> mock.serverFinal(clientFinal));
        assertEquals("password authentication failed", e.getMessage());
    }

    @Test
    void mockSaltIsStablePerUserAndDiffersBetweenUsers() throws AuthFailedException {
        assertEquals(mockSalt("ghost"), mockSalt("ghost"));
        assertNotEquals(mockSalt("ghost"), mockSalt("phantom"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "n",
        "n,",
        "n,,",
        "x,,n=,r=abc",
        "p=tls-server-end-point,,n=,r=abc",
        "n,a=admin,n=,r=abc",
        "n,x,n=,r=abc",
        "n,,m=ext,n=,r=abc",
        "n,,r=abc",
        "n,,n=",
        "n,,n=,r=",
        "n,,n=,r=abc,",
        "n,,n=,r=abc,1=x",
        "n,,n=,r=abc,x",
        "n,,n=,r=ab\u0001c",
        "n,,n=,r=ab c",
        "n,,n=,r=ab\u00E9",
        "n,,n=,r=ab\u0000c",
        "n,,n=us\u0000er,r=abc",
        "n,,r=abc,n=",
    })
    void malformedClientFirstFails(String message) {
        ScramServerExchange server = rfcServer();
        assertThrows(AuthFailedException.class, () -> server.serverFirst(bytes(message)));
    }

    @Test
    void hugeClientNonceFails() {
        ScramServerExchange server = rfcServer();
        String message = "n,,n=,r=" + "a".repeat(ScramMessage.MAX_NONCE_LENGTH + 1);
        assertThrows(AuthFailedException.class, () -> server.serverFirst(bytes(message)));
    }

    @Test
    void nonceAtTheLimitIsAccepted() throws AuthFailedException {
        ScramServerExchange server = rfcServer();
        server.serverFirst(bytes("n,,n=,r=" + "a".repeat(ScramMessage.MAX_NONCE_LENGTH)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "c=biws",
        "c=biws,r=" + NONCE,
        "c=biws,r=" + NONCE + ",",
        "c=biws,r=" + NONCE + ",p=",
        "c=biws,r=" + NONCE + ",p=not*base64",
        "c=biws,r=" + NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ",
        "c=biws,r=" + NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7And",
        "c=biws,r=" + NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=trailing",
        "c=biws,r=" + Rfc7677.CLIENT_NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        "c=biws,r=" + NONCE + "x,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        "c=eSws,r=" + NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCws,r=" + NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        "r=" + NONCE + ",c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        "c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,r=" + NONCE,
        "c=biws,r=" + NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=\u0000",
    })
    void malformedClientFinalFails(String message) throws AuthFailedException {
        ScramServerExchange server = rfcServerAfterFirst();
        assertThrows(AuthFailedException.class, () -> server.serverFinal(bytes(message)));
    }

    @Test
    void failuresSayWhy() throws AuthFailedException {
        assertEquals("SCRAM channel binding is not supported", reason(rfcServer(), "p=tls-unique,,n=,r=abc"));
        assertEquals("SCRAM authorization identity is not supported", reason(rfcServer(), "n,a=bob,n=,r=abc"));
        assertEquals("unsupported mandatory SCRAM extension", reason(rfcServer(), "n,,m=ext,n=,r=abc"));

        ScramServerExchange server = rfcServerAfterFirst();
        String withoutProof = "c=biws,r=" + NONCE;
        String trailing = withoutProof + ",p=" + proof("n=user,r=" + Rfc7677.CLIENT_NONCE, withoutProof) + ",x=y";
        AuthFailedException e = assertThrows(AuthFailedException.class, () -> server.serverFinal(bytes(trailing)));
        assertEquals("garbage at end of client-final-message", e.getMessage());
    }

    @Test
    void stepsOutOfOrderAreProgrammingErrors() throws AuthFailedException {
        ScramServerExchange server = rfcServer();
        assertThrows(IllegalStateException.class, () -> server.serverFinal(bytes(Rfc7677.CLIENT_FINAL)));
        ScramServerExchange started = rfcServerAfterFirst();
        assertThrows(IllegalStateException.class, () -> started.serverFirst(bytes(Rfc7677.CLIENT_FIRST)));
    }

    @Test
    void failedExchangeCannotBeResumed() {
        ScramServerExchange server = rfcServer();
        assertThrows(AuthFailedException.class, () -> server.serverFirst(bytes("garbage")));
        assertThrows(IllegalStateException.class, () -> server.serverFirst(bytes(Rfc7677.CLIENT_FIRST)));
    }

    private static String reason(ScramServerExchange server, String clientFirst) {
        return assertThrows(AuthFailedException.class, () -> server.serverFirst(bytes(clientFirst))).getMessage();
    }

    private static String mockSalt(String user) throws AuthFailedException {
        String first = text(ScramServerExchange.forUnknownUser(user, 4096).serverFirst(bytes("n,,n=,r=abc")));
        return first.split(",")[1];
    }

    /** The proof a client knowing "pencil" sends for the RFC server-first-message and these other parts. */
    private static String proof(String clientFirstBare, String withoutProof) {
        byte[] authMessage = bytes(clientFirstBare + "," + Rfc7677.SERVER_FIRST + "," + withoutProof);
        byte[] signature = ScramKeys.hmac(ScramKeys.storedKey(Rfc7677.CLIENT_KEY), authMessage);
        return Base64.getEncoder().encodeToString(ScramKeys.xor(Rfc7677.CLIENT_KEY, signature));
    }
}
