package io.pgmux.auth;

import io.pgmux.config.Secret;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;

/** The client side of one SCRAM-SHA-256 exchange, as libpq runs it: pgmux logging in to a PostgreSQL server. */
public final class ScramClientExchange {

    /** Highest iteration count taken from a server: 1024 times PostgreSQL's default, so PBKDF2 stays bounded. */
    static final int MAX_ITERATIONS = 4096 * 1024;

    /** Where the exchange stands; FAILED is final. */
    private enum State { START, FIRST_SENT, FINAL_SENT, DONE, FAILED }

    /** The ClientKey and ServerKey that go with the salt and iteration count the server names. */
    @FunctionalInterface
    interface KeySource {
        Keys keysFor(byte[] salt, int iterations) throws AuthFailedException;
    }

    /** A ClientKey and the ServerKey that checks the server's signature. */
    record Keys(byte[] clientKey, byte[] serverKey) {
    }

    private final KeySource keySource;
    private final String userName;
    private final Supplier<String> nonces;

    private State state = State.START;
    private String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    /** An exchange proving knowledge of a plain-text password. */
    public ScramClientExchange(String password) {
        this(fromPassword(password), "", ScramKeys::randomNonce);
    }

    /**
     * An exchange replaying a client's keys (SCRAM pass-through): {@code clientKey} as recovered by
     * {@link ScramServerExchange#clientKey()}, checked against the server with the verifier's ServerKey.
     */
    public ScramClientExchange(Secret.Scram verifier, byte[] clientKey) {
        this(passThrough(verifier, clientKey), "", ScramKeys::randomNonce);
    }

    /** {@code userName} goes in {@code n=} already SCRAM-escaped; libpq, and so pgmux, sends it empty. */
    ScramClientExchange(KeySource keySource, String userName, Supplier<String> nonces) {
        this.keySource = keySource;
        this.userName = userName;
        this.nonces = nonces;
    }

    static KeySource fromPassword(String password) {
        return (salt, iterations) -> {
            byte[] salted = ScramKeys.saltedPassword(password, salt, iterations);
            return new Keys(ScramKeys.clientKey(salted), ScramKeys.serverKey(salted));
        };
    }

    static KeySource passThrough(Secret.Scram verifier, byte[] clientKey) {
        if (clientKey.length != ScramKeys.KEY_LENGTH) {
            throw new IllegalArgumentException("ClientKey must be " + ScramKeys.KEY_LENGTH + " bytes");
        }
        Keys keys = new Keys(clientKey.clone(), verifier.serverKey());
        return (salt, iterations) -> {
            // Keys from another verifier cannot produce a valid proof; say so rather than let the server refuse.
            if (iterations != verifier.iterations() || !Arrays.equals(salt, verifier.salt())) {
                throw new AuthFailedException("server's SCRAM salt or iterations differ from the stored verifier");
            }
            return keys;
        };
    }

    /** The client-first-message, {@code n,,n=,r=<nonce>}: no channel binding, no authorization identity. */
    public byte[] clientFirst() {
        advanceFrom(State.START);
        clientNonce = nonces.get();
        clientFirstBare = "n=" + userName + ",r=" + clientNonce;
        state = State.FIRST_SENT;
        return ScramMessage.bytes("n,," + clientFirstBare);
    }

    /** Reads the server-first-message and returns the client-final-message with the proof. */
    public byte[] clientFinal(byte[] serverFirstMessage) throws AuthFailedException {
        advanceFrom(State.FIRST_SENT);
        String text = ScramMessage.text(serverFirstMessage);
        ScramMessage message = new ScramMessage(text);
        String nonce = message.take('r');
        ScramMessage.checkNonce(nonce);
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new AuthFailedException("SCRAM nonce mismatch");
        }
        byte[] salt = ScramMessage.base64(message.take('s'), "salt");
        if (salt.length == 0) {
            throw new AuthFailedException("empty SCRAM salt");
        }
        int iterations = iterations(message.take('i'));
        message.expectEnd("server-first-message");

        Keys keys = keySource.keysFor(salt, iterations);
        String withoutProof = "c=biws,r=" + nonce;
        byte[] authMessage = ScramMessage.bytes(clientFirstBare + "," + text + "," + withoutProof);
        byte[] clientSignature = ScramKeys.hmac(ScramKeys.storedKey(keys.clientKey()), authMessage);
        byte[] proof = ScramKeys.xor(keys.clientKey(), clientSignature);
        expectedServerSignature = ScramKeys.hmac(keys.serverKey(), authMessage);
        state = State.FINAL_SENT;
        return ScramMessage.bytes(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
    }

    /** Checks the server-final-message: the server must prove it knows the verifier too. */
    public void verifyServerFinal(byte[] serverFinalMessage) throws AuthFailedException {
        advanceFrom(State.FINAL_SENT);
        ScramMessage message = new ScramMessage(ScramMessage.text(serverFinalMessage));
        if (message.peekName() == 'e') {
            throw new AuthFailedException("server refused SCRAM: " + ScramMessage.printable(message.take('e')));
        }
        byte[] signature = ScramMessage.key(message.take('v'), "server signature");
        message.expectEnd("server-final-message");
        if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new AuthFailedException("SCRAM server signature mismatch");
        }
        state = State.DONE;
    }

    private static int iterations(String value) throws AuthFailedException {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new AuthFailedException("invalid SCRAM iteration count");
        }
        // Nine digits cannot overflow an int; more are beyond the bound anyway.
        int count = value.length() > 9 ? 0 : Integer.parseInt(value);
        if (count < 1 || count > MAX_ITERATIONS) {
            throw new AuthFailedException("SCRAM iteration count out of range");
        }
        return count;
    }

    /** Fails the exchange unless it is in {@code expected}; a step that then throws leaves it failed for good. */
    private void advanceFrom(State expected) {
        if (state != expected) {
            throw new IllegalStateException("SCRAM exchange is in state " + state);
        }
        state = State.FAILED;
    }
}
