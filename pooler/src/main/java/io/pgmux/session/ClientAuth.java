package io.pgmux.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgmux.auth.AuthFailedException;
import io.pgmux.auth.Md5Password;
import io.pgmux.auth.PlainScramVerifiers;
import io.pgmux.auth.ScramKeys;
import io.pgmux.auth.ScramServerExchange;
import io.pgmux.config.AuthType;
import io.pgmux.config.Secret;
import io.pgmux.protocol.LoginMessage;
import io.pgmux.protocol.MessageType;
import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.protocol.PgMessages;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;

/**
 * Checks a client's password against {@code auth_file} with the method {@code auth_type} names. An unknown user
 * goes through the same exchange and fails at the end with the same error as a wrong password (mock
 * authentication), so a stranger learns nothing about which users exist.
 */
final class ClientAuth {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SCRAM = "SCRAM-SHA-256";

    /** What the exchange needs next. */
    enum Step { CONTINUE, OK, FAILED }

    private final AuthType method;
    private final String user;
    private final Secret secret;
    private final PlainScramVerifiers plainVerifiers;
    /** For cert: the verified TLS certificate names this user, directly or through the ident map. */
    private final boolean certificateAllows;
    private byte[] md5Salt;
    private ScramServerExchange scram;
    private boolean scramFirstDone;
    private String failure;
    /** Set after a SCRAM login against a stored verifier: lets pgmux log in to the server as this user. */
    private byte[] scramClientKey;

    /**
     * @param secret the user's secret from auth_file, or null for an unknown user
     */
    ClientAuth(AuthType method, String user, Secret secret, PlainScramVerifiers plainVerifiers,
            boolean certificateAllows) {
        this.plainVerifiers = plainVerifiers;
        this.certificateAllows = certificateAllows;
        this.user = user;
        this.secret = secret;

        // PgBouncer upgrades md5 to SCRAM when the stored secret is a SCRAM verifier.
        this.method = method == AuthType.MD5 && secret instanceof Secret.Scram ? AuthType.SCRAM_SHA_256 : method;
    }

    /** The error text for the client after {@link Step#FAILED}. */
    String failure() {
        return failure;
    }

    byte[] scramClientKey() {
        return scramClientKey;
    }

    /** Sends the first authentication request; returns OK at once for methods without a password. */
    Step start(Channel channel) {
        ByteBuf out = channel.alloc().buffer(64);
        switch (method) {
            case ANY -> {
                out.release();
                return Step.OK;
            }
            case TRUST -> {
                out.release();
                return secret != null ? Step.OK : fail(PgBouncerErrors.TRUST_FAILED);
            }
            case PLAIN -> PgMessages.authentication(out, MessageType.AUTH_CLEARTEXT);
            case MD5 -> {
                md5Salt = new byte[4];
                RANDOM.nextBytes(md5Salt);
                PgMessages.authenticationMd5(out, md5Salt);
            }
            case SCRAM_SHA_256 -> {
                scram = secret == null || secret instanceof Secret.Md5
                        ? ScramServerExchange.forUnknownUser(user, plainVerifiers.iterations())
                        : new ScramServerExchange(secret instanceof Secret.Plain plain
                                ? plainVerifiers.verifierFor(plain) : secret, plainVerifiers.iterations());
                PgMessages.authenticationSasl(out, List.of(SCRAM));
            }
            case CERT -> {
                out.release();
                // The certificate names the user (directly or by ident map, verified against client_tls_ca_file), and
                // the user must be in auth_file as with trust: PgBouncer refuses a mock (unknown) user here too.
                return secret != null && certificateAllows ? Step.OK : fail(PgBouncerErrors.CERT_FAILED);
            }
            default -> {
                out.release();
                return fail(PgBouncerErrors.LOGIN_REJECTED);
            }
        }
        channel.writeAndFlush(out, channel.voidPromise());
        return Step.CONTINUE;
    }

    /** Handles the client's next authentication message. */
    Step onMessage(Channel channel, LoginMessage message) {
        if (message.type() != MessageType.PASSWORD) {
            return fail(PgBouncerErrors.UNKNOWN_PACKET);
        }
        ByteBuf body = message.body();
        return switch (method) {
            case PLAIN -> checkPlain(cstring(body));
            case MD5 -> checkMd5(cstring(body));
            case SCRAM_SHA_256 -> scramFirstDone ? scramFinal(channel, body) : scramFirst(channel, body);
            default -> fail(PgBouncerErrors.LOGIN_REJECTED);
        };
    }

    private Step checkPlain(String password) {
        if (password == null || password.isEmpty()) {
            return fail(PgBouncerErrors.EMPTY_PASSWORD);
        }
        return plainMatches(password) ? Step.OK : fail(PgBouncerErrors.PASSWORD_FAILED);
    }

    private boolean plainMatches(String password) {
        if (secret instanceof Secret.Plain plain) {
            return constantTimeEquals(plain.password(), password);
        }
        if (secret instanceof Secret.Md5 md5) {
            return constantTimeEquals(md5.hash(), Md5Password.encrypt(password, user));
        }
        if (secret instanceof Secret.Scram scramSecret) {
            Secret.Scram derived = ScramKeys.fromPassword(password, scramSecret.salt(), scramSecret.iterations());
            return MessageDigest.isEqual(derived.storedKey(), scramSecret.storedKey());
        }
        return false;
    }

    private Step checkMd5(String response) {
        if (response == null || response.isEmpty()) {
            return fail(PgBouncerErrors.EMPTY_PASSWORD);
        }
        boolean ok = secret != null && Md5Password.verify(secret, user, md5Salt, response);
        return ok ? Step.OK : fail(PgBouncerErrors.PASSWORD_FAILED);
    }

    private Step scramFirst(Channel channel, ByteBuf body) {
        String mechanism = cstring(body);
        if (!SCRAM.equals(mechanism)) {
            return fail(PgBouncerErrors.SASL_BAD_MECHANISM);
        }
        // The length of the client-first-message must be there and match what follows it exactly.
        int length = body.readableBytes() >= 4 ? body.readInt() : -1;
        if (length < 0 || length != body.readableBytes()) {
            return fail(PgBouncerErrors.SASL_FAILED);
        }
        byte[] clientFirst = new byte[length];
        body.readBytes(clientFirst);
        try {
            byte[] serverFirst = scram.serverFirst(clientFirst);
            scramFirstDone = true;
            ByteBuf out = channel.alloc().buffer(serverFirst.length + 16);
            PgMessages.authenticationSaslData(out, MessageType.AUTH_SASL_CONTINUE, serverFirst);
            channel.writeAndFlush(out, channel.voidPromise());
            return Step.CONTINUE;
        } catch (AuthFailedException e) {
            return fail(PgBouncerErrors.SASL_FAILED);
        }
    }

    private Step scramFinal(Channel channel, ByteBuf body) {
        byte[] clientFinal = new byte[body.readableBytes()];
        body.readBytes(clientFinal);
        try {
            byte[] serverFinal = scram.serverFinal(clientFinal);
            if (secret instanceof Secret.Scram) {
                // Only a key proved against the stored verifier matches the server's verifier.
                scramClientKey = scram.clientKey();
            }
            ByteBuf out = channel.alloc().buffer(serverFinal.length + 16);
            PgMessages.authenticationSaslData(out, MessageType.AUTH_SASL_FINAL, serverFinal);
            channel.write(out, channel.voidPromise());
            return Step.OK;
        } catch (AuthFailedException e) {
            return fail(PgBouncerErrors.SASL_FAILED);
        }
    }

    private Step fail(String message) {
        failure = message;
        return Step.FAILED;
    }

    private static String cstring(ByteBuf body) {
        int nul = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
        if (nul < 0) {
            return null;
        }
        String s = body.toString(body.readerIndex(), nul - body.readerIndex(), StandardCharsets.UTF_8);
        body.readerIndex(nul + 1);
        return s;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
