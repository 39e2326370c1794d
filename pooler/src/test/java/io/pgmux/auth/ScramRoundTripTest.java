package io.pgmux.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgmux.config.Secret;
import org.junit.jupiter.api.Test;

/** Whole exchanges between the client and server sides. */
class ScramRoundTripTest {

    private static final int ITERATIONS = 4096;

    /** Runs a whole exchange; returns the ClientKey the server recovered. */
    private static byte[] login(ScramClientExchange client, ScramServerExchange server) throws AuthFailedException {
        byte[] serverFirst = server.serverFirst(client.clientFirst());
        byte[] serverFinal = server.serverFinal(client.clientFinal(serverFirst));
        client.verifyServerFinal(serverFinal);
        return server.clientKey();
    }

    @Test
    void plainSecret() throws AuthFailedException {
        login(new ScramClientExchange("s3cret"), new ScramServerExchange(new Secret.Plain("s3cret"), ITERATIONS));
    }

    @Test
    void scramSecretRecoversTheClientKey() throws AuthFailedException {
        Secret.Scram verifier = ScramKeys.fromPassword("s3cret", ITERATIONS);
        byte[] clientKey = login(new ScramClientExchange("s3cret"), new ScramServerExchange(verifier, ITERATIONS));
        byte[] salted = ScramKeys.saltedPassword("s3cret", verifier.salt(), ITERATIONS);
        assertArrayEquals(ScramKeys.clientKey(salted), clientKey);
    }

    @Test
    void parsedPostgresVerifier() throws AuthFailedException {
        Secret parsed = Secret.parse(ScramKeys.fromPassword("s3cret", ITERATIONS).text());
        login(new ScramClientExchange("s3cret"), new ScramServerExchange(parsed, ITERATIONS));
    }

    @Test
    void passThroughLogsInWithTheRecoveredClientKey() throws AuthFailedException {
        Secret.Scram verifier = ScramKeys.fromPassword("s3cret", ITERATIONS);
        byte[] clientKey = login(new ScramClientExchange("s3cret"), new ScramServerExchange(verifier, ITERATIONS));
        login(new ScramClientExchange(verifier, clientKey), new ScramServerExchange(verifier, ITERATIONS));
    }

    @Test
    void saslPrepEquivalentPasswordsMatch() throws AuthFailedException {
        Secret stored = new Secret.Plain("pass\u00A0word\u00AD");
        login(new ScramClientExchange("pass word"), new ScramServerExchange(stored, ITERATIONS));
    }

    @Test
    void wrongPasswordFailsWithPlainSecret() {
        ScramServerExchange server = new ScramServerExchange(new Secret.Plain("s3cret"), ITERATIONS);
        AuthFailedException e = assertThrows(AuthFailedException.class,
                () -> login(new ScramClientExchange("S3cret"), server));
        assertEquals("password authentication failed", e.getMessage());
    }

    @Test
    void wrongPasswordFailsWithScramSecret() {
        Secret.Scram verifier = ScramKeys.fromPassword("s3cret", ITERATIONS);
        ScramServerExchange server = new ScramServerExchange(verifier, ITERATIONS);
        assertThrows(AuthFailedException.class, () -> login(new ScramClientExchange("s3cret "), server));
    }

    @Test
    void unknownUserFailsEvenWithTheRightPassword() {
        ScramServerExchange mock = ScramServerExchange.forUnknownUser("ghost", ITERATIONS);
        AuthFailedException e = assertThrows(AuthFailedException.class,
                () -> login(new ScramClientExchange(""), mock));
        assertEquals("password authentication failed", e.getMessage());
    }

    @Test
    void clientDetectsAServerThatDoesNotKnowTheVerifier() throws AuthFailedException {
        Secret.Scram real = ScramKeys.fromPassword("s3cret", ITERATIONS);
        Secret.Scram impostor = new Secret.Scram(ITERATIONS, real.salt(), real.storedKey(), new byte[32], "impostor");
        ScramClientExchange client = new ScramClientExchange("s3cret");
        ScramServerExchange server = new ScramServerExchange(impostor, ITERATIONS);
        byte[] serverFinal = server.serverFinal(client.clientFinal(server.serverFirst(client.clientFirst())));
        assertThrows(AuthFailedException.class, () -> client.verifyServerFinal(serverFinal));
    }
}
