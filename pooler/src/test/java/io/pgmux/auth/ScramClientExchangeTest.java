package io.pgmux.auth;

import static io.pgmux.auth.Rfc7677.bytes;
import static io.pgmux.auth.Rfc7677.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.config.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client side: RFC 7677 vector, pass-through and malformed or hostile server messages. */
class ScramClientExchangeTest {

    private static final String NONCE = Rfc7677.CLIENT_NONCE + Rfc7677.SERVER_NONCE_PART;
    private static final String SALT_AND_ITERATIONS = ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    private static ScramClientExchange rfcClient() {
        return rfcClient(ScramClientExchange.fromPassword(Rfc7677.PASSWORD));
    }

    private static ScramClientExchange rfcClient(ScramClientExchange.KeySource keys) {
        return new ScramClientExchange(keys, "user", () -> Rfc7677.CLIENT_NONCE);
    }

    private static ScramClientExchange rfcClientAfterFirst() {
        ScramClientExchange client = rfcClient();
        client.clientFirst();
        return client;
    }

    private static ScramClientExchange rfcClientAfterFinal() throws AuthFailedException {
        ScramClientExchange client = rfcClientAfterFirst();
        client.clientFinal(bytes(Rfc7677.SERVER_FIRST));
        return client;
    }

    @Test
    void rfc7677Vector() throws AuthFailedException {
        ScramClientExchange client = rfcClient();
        assertEquals(Rfc7677.CLIENT_FIRST, text(client.clientFirst()));
        assertEquals(Rfc7677.CLIENT_FINAL, text(client.clientFinal(bytes(Rfc7677.SERVER_FIRST))));
        client.verifyServerFinal(bytes(Rfc7677.SERVER_FINAL));
    }

    @Test
    void rfc7677VectorWithPassedThroughClientKey() throws AuthFailedException {
        ScramClientExchange client =
                rfcClient(ScramClientExchange.passThrough(Rfc7677.verifier(), Rfc7677.CLIENT_KEY));
        client.clientFirst();
        assertEquals(Rfc7677.CLIENT_FINAL, text(client.clientFinal(bytes(Rfc7677.SERVER_FIRST))));
        client.verifyServerFinal(bytes(Rfc7677.SERVER_FINAL));
    }

    @Test
    void passThroughRefusesAServerWithAnotherSalt() {
        Secret.Scram other = ScramKeys.fromPassword(Rfc7677.PASSWORD, new byte[] {1, 2, 3}, 4096);
        ScramClientExchange client = rfcClient(ScramClientExchange.passThrough(other, Rfc7677.CLIENT_KEY));
        client.clientFirst();
        assertThrows(AuthFailedException.class, () -> client.clientFinal(bytes(Rfc7677.SERVER_FIRST)));
    }

    @Test
    void passThroughNeedsA32ByteClientKey() {
        assertThrows(IllegalArgumentException.class,
                () -> new ScramClientExchange(Rfc7677.verifier(), new byte[16]));
    }

    @Test
    void clientFirstIsWhatLibpqSends() {
        String first = text(new ScramClientExchange("pw").clientFirst());
        assertTrue(first.matches("n,,n=,r=[A-Za-z0-9+/]{24}"), first);
    }

    @Test
    void wrongServerSignatureFails() throws AuthFailedException {
        ScramClientExchange client = rfcClientAfterFinal();
        String forged = "v=" + "A".repeat(43) + "=";
        assertThrows(AuthFailedException.class, () -> client.verifyServerFinal(bytes(forged)));
    }

    @Test
    void serverErrorIsReported() throws AuthFailedException {
        ScramClientExchange client = rfcClientAfterFinal();
        AuthFailedException e = assertThrows(AuthFailedException.class,
                () -> client.verifyServerFinal(bytes("e=invalid-proof")));
        assertTrue(e.getMessage().contains("invalid-proof"), e.getMessage());
    }

    @Test
    void wrongPasswordProducesAnotherProof() throws AuthFailedException {
        ScramClientExchange client = new ScramClientExchange(
                ScramClientExchange.fromPassword("pencil!"), "user", () -> Rfc7677.CLIENT_NONCE);
        client.clientFirst();
        String clientFinal = text(client.clientFinal(bytes(Rfc7677.SERVER_FIRST)));
        assertTrue(clientFinal.startsWith("c=biws,r=" + NONCE + ",p="), clientFinal);
        assertNotEquals(Rfc7677.CLIENT_FINAL, clientFinal);
        assertThrows(AuthFailedException.class, () -> client.verifyServerFinal(bytes(Rfc7677.SERVER_FINAL)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "r=" + NONCE,
        "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==",
        "r=" + NONCE + SALT_AND_ITERATIONS + ",x=extra",
        "r=" + NONCE + SALT_AND_ITERATIONS + ",",
        "m=ext,r=" + NONCE + SALT_AND_ITERATIONS,
        "s=W22ZaJ0SNY7soEsUEjb6gQ==,r=" + NONCE + ",i=4096",
        "r=" + NONCE + ",i=4096,s=W22ZaJ0SNY7soEsUEjb6gQ==",
        "r=someoneElsesNonce" + Rfc7677.SERVER_NONCE_PART + SALT_AND_ITERATIONS,
        "r=" + Rfc7677.CLIENT_NONCE + SALT_AND_ITERATIONS,
        "r=" + NONCE + "\u0001" + SALT_AND_ITERATIONS,
        "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6g,i=4096",
        "r=" + NONCE + ",s=W22ZaJ0S*Y7soEsUEjb6gQ==,i=4096",
        "r=" + NONCE + ",s=,i=4096",
        "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=",
        "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
        "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-1",
        "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=+4096",
        "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096x",
        "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4194305",
        "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2147483647",
        "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999999999999",
    })
    void malformedOrHostileServerFirstFails(String message) {
        ScramClientExchange client = rfcClientAfterFirst();
        assertThrows(AuthFailedException.class, () -> client.clientFinal(bytes(message)));
    }

    @Test
    void oversizedServerNonceFails() {
        ScramClientExchange client = rfcClientAfterFirst();
        String nonce = Rfc7677.CLIENT_NONCE + "x".repeat(ScramMessage.MAX_NONCE_LENGTH);
        assertThrows(AuthFailedException.class,
                () -> client.clientFinal(bytes("r=" + nonce + SALT_AND_ITERATIONS)));
    }

    @Test
    void iterationCountAtTheBoundIsAccepted() throws AuthFailedException {
        ScramClientExchange client = new ScramClientExchange(
                (salt, iterations) -> new ScramClientExchange.Keys(new byte[32], new byte[32]),
                "", () -> Rfc7677.CLIENT_NONCE);
        client.clientFirst();
        String bound = String.valueOf(ScramClientExchange.MAX_ITERATIONS);
        client.clientFinal(bytes("r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=" + bound));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "v=",
        "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4",
        "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl9",
        "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=,x=extra",
        "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=,",
        "x=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
        "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsj!95G4=",
        "e=",
    })
    void malformedServerFinalFails(String message) throws AuthFailedException {
        ScramClientExchange client = rfcClientAfterFinal();
        assertThrows(AuthFailedException.class, () -> client.verifyServerFinal(bytes(message)));
    }

    @Test
    void stepsOutOfOrderAreProgrammingErrors() throws AuthFailedException {
        ScramClientExchange client = rfcClient();
        assertThrows(IllegalStateException.class, () -> client.clientFinal(bytes(Rfc7677.SERVER_FIRST)));
        ScramClientExchange done = rfcClientAfterFinal();
        done.verifyServerFinal(bytes(Rfc7677.SERVER_FINAL));
        assertThrows(IllegalStateException.class, () -> done.verifyServerFinal(bytes(Rfc7677.SERVER_FINAL)));
        assertThrows(IllegalStateException.class, done::clientFirst);
    }

    @Test
    void passThroughKeysAreCopied() throws AuthFailedException {
        byte[] clientKey = Rfc7677.CLIENT_KEY.clone();
        ScramClientExchange client = rfcClient(ScramClientExchange.passThrough(Rfc7677.verifier(), clientKey));
        clientKey[0] ^= 1;
        client.clientFirst();
        assertArrayEquals(bytes(Rfc7677.CLIENT_FINAL), client.clientFinal(bytes(Rfc7677.SERVER_FIRST)));
    }
}
