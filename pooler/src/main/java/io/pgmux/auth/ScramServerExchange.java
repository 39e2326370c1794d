package io.pgmux.auth;

import io.pgmux.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;

/** The server side of one SCRAM-SHA-256 exchange, as PostgreSQL runs it: pgmux checking a client's password. */
public final class ScramServerExchange {

    /** Where the exchange stands; FAILED is final. */
    private enum State { START, FIRST_SENT, DONE, FAILED }

    /** Keys the mock salts, so an unknown user gets the same salt on every attempt, as a real user does. */
    private static final byte[] MOCK_SALT_KEY = ScramKeys.randomBytes(ScramKeys.KEY_LENGTH);

    private final int iterations;
    private final byte[] salt;
    private final byte[] storedKey;
    private final byte[] serverKey;
    private final Supplier<String> nonces;

    private State state = State.START;
    private char channelBindingFlag;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private byte[] clientKey;

    /**
     * An exchange checking against {@code secret}. A plain password gets a fresh verifier with a random salt and
     * {@code plainIterations}; callers wanting a stable salt derive one with {@link ScramKeys#fromPassword} and pass
     * that instead.
     *
     * @throws IllegalArgumentException for an md5 secret, which cannot check a SCRAM proof
     */
    public ScramServerExchange(Secret secret, int plainIterations) {
        this(verifier(secret, plainIterations), ScramKeys::randomNonce);
    }

    ScramServerExchange(Secret.Scram verifier, Supplier<String> nonces) {
        this(verifier.iterations(), verifier.salt(), verifier.storedKey(), verifier.serverKey(), nonces);
    }

    private ScramServerExchange(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey,
            Supplier<String> nonces) {
        this.iterations = iterations;
        this.salt = salt;
        this.storedKey = storedKey;
        this.serverKey = serverKey;
        this.nonces = nonces;
    }

    /**
     * A mock exchange for a user that does not exist: it answers like a real one, with a salt that is stable per user
     * name, and fails at the proof exactly as a wrong password does, so the two cannot be told apart.
     */
    public static ScramServerExchange forUnknownUser(String userName, int iterations) {
        byte[] mac = ScramKeys.hmac(MOCK_SALT_KEY, userName.getBytes(StandardCharsets.UTF_8));
        byte[] salt = Arrays.copyOf(mac, ScramKeys.SALT_LENGTH);
        // A random StoredKey no one knows a ClientKey for: every proof fails, after the same work as a real check.
        return new ScramServerExchange(iterations, salt, ScramKeys.randomBytes(ScramKeys.KEY_LENGTH),
                ScramKeys.randomBytes(ScramKeys.KEY_LENGTH), ScramKeys::randomNonce);
    }

    private static Secret.Scram verifier(Secret secret, int plainIterations) {
        if (secret instanceof Secret.Scram scram) {
            return scram;
        }
        if (secret instanceof Secret.Plain plain) {
            return ScramKeys.fromPassword(plain.password(), plainIterations);
        }
        throw new IllegalArgumentException("SCRAM cannot be verified against an md5 hash");
    }

    /** Reads the client-first-message and returns the server-first-message. */
    public byte[] serverFirst(byte[] clientFirstMessage) throws AuthFailedException {
        advanceFrom(State.START);
        String text = ScramMessage.text(clientFirstMessage);
        channelBindingFlag = text.charAt(0);
        if (channelBindingFlag == 'p') {
            throw new AuthFailedException("SCRAM channel binding is not supported");
        }
        // "y": the client could bind but thinks we cannot, which holds while pgmux offers no SCRAM-SHA-256-PLUS.
        if ((channelBindingFlag != 'n' && channelBindingFlag != 'y') || !text.startsWith(",", 1)) {
            throw new AuthFailedException("malformed SCRAM gs2 header");
        }
        if (text.startsWith("a=", 2)) {
            throw new AuthFailedException("SCRAM authorization identity is not supported");
        }
        if (!text.startsWith(",", 2)) {
            throw new AuthFailedException("malformed SCRAM gs2 header");
        }
        clientFirstBare = text.substring(3);
        ScramMessage message = new ScramMessage(clientFirstBare);
        if (message.peekName() == 'm') {
            throw new AuthFailedException("unsupported mandatory SCRAM extension");
        }
        // PostgreSQL ignores this user name: the one in the startup packet is the one that counts.
        message.take('n');
        String clientNonce = message.take('r');
        ScramMessage.checkNonce(clientNonce);
        while (message.hasNext()) {
            // Optional extensions are ignored, as PostgreSQL does, but must be well-formed.
            message.takeAny();
        }
        nonce = clientNonce + nonces.get();
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
        state = State.FIRST_SENT;
        return ScramMessage.bytes(serverFirst);
    }

    /** Reads the client-final-message, checks the proof and returns the server-final-message. */
    public byte[] serverFinal(byte[] clientFinalMessage) throws AuthFailedException {
        advanceFrom(State.FIRST_SENT);
        String text = ScramMessage.text(clientFinalMessage);
        ScramMessage message = new ScramMessage(text);
        // Without binding, c= carries the base64 gs2 header: "biws" is "n,,", "eSws" is "y,,".
        String binding = message.take('c');
        if (!binding.equals(channelBindingFlag == 'n' ? "biws" : "eSws")) {
            throw new AuthFailedException("SCRAM channel binding mismatch");
        }
        if (!message.take('r').equals(nonce)) {
            throw new AuthFailedException("SCRAM nonce mismatch");
        }
        while (message.peekName() != 'p') {
            message.takeAny();
        }
        String encodedProof = message.take('p');
        message.expectEnd("client-final-message");
        byte[] proof = ScramMessage.key(encodedProof, "proof");
        String withoutProof = text.substring(0, text.length() - ",p=".length() - encodedProof.length());
        byte[] authMessage = ScramMessage.bytes(clientFirstBare + "," + serverFirst + "," + withoutProof);

        byte[] candidateKey = ScramKeys.xor(proof, ScramKeys.hmac(storedKey, authMessage));
        if (!MessageDigest.isEqual(ScramKeys.storedKey(candidateKey), storedKey)) {
            throw new AuthFailedException("password authentication failed");
        }
        clientKey = candidateKey;
        state = State.DONE;
        byte[] serverSignature = ScramKeys.hmac(serverKey, authMessage);
        return ScramMessage.bytes("v=" + Base64.getEncoder().encodeToString(serverSignature));
    }

    /** The client's ClientKey, recovered from its proof; lets pgmux log in to the server as that client. */
    public byte[] clientKey() {
        if (state != State.DONE) {
            throw new IllegalStateException("SCRAM exchange has not succeeded");
        }
        return clientKey.clone();
    }

    /** Fails the exchange unless it is in {@code expected}; a step that then throws leaves it failed for good. */
    private void advanceFrom(State expected) {
        if (state != expected) {
            throw new IllegalStateException("SCRAM exchange is in state " + state);
        }
        state = State.FAILED;
    }
}
