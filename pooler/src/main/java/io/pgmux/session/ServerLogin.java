package io.pgmux.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.pgmux.auth.AuthFailedException;
import io.pgmux.auth.Md5Password;
import io.pgmux.auth.ScramKeyCache;
import io.pgmux.auth.ScramClientExchange;
import io.pgmux.pool.ServerCredentials;
import io.pgmux.protocol.MessageType;
import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.protocol.PgMessages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * pgmux logging in to a PostgreSQL server as a client would: the startup parameters, then whichever password
 * exchange the server asks for (trust, cleartext, md5 or SCRAM-SHA-256). Also remembers why a login failed.
 */
public final class ServerLogin {
    /** SQLSTATE for failures that are pgmux's own (connect errors, protocol errors). */
    static final String CONNECT_FAILED_SQLSTATE = PgBouncerErrors.PROTOCOL_VIOLATION;
    /** An Authentication message too short for its code, or for the salt its code needs. */
    static final String MALFORMED_REQUEST = "malformed authentication request from server";

    private enum SaslStep { NONE, STARTED, CONTINUED, FINISHED }

    private final Map<String, String> startupParameters;
    private final String user;
    private final ServerCredentials credentials;
    private final ScramKeyCache scramKeys;
    private ScramClientExchange scram;
    /** How far the server's SASL messages have come; they must arrive in this order, each once. */
    private SaslStep saslStep = SaslStep.NONE;
    private boolean failed;
    private String failureSqlState = CONNECT_FAILED_SQLSTATE;
    private String failureMessage = PgBouncerErrors.CONNECT_FAILED;

    /**
     * @param startupParameters user, database and the values the pool starts servers with
     * @param credentials       password, md5 hash or SCRAM verifier for the login
     * @param scramKeys         ClientKeys proved by clients, for SCRAM pass-through with a verifier
     */
    public ServerLogin(Map<String, String> startupParameters, ServerCredentials credentials,
            ScramKeyCache scramKeys) {
        this.startupParameters = startupParameters;
        this.user = startupParameters.get("user");
        this.credentials = credentials;
        this.scramKeys = scramKeys;
    }

    Map<String, String> startupParameters() {
        return startupParameters;
    }

    String failureSqlState() {
        return failureSqlState;
    }

    String failureMessage() {
        return failureMessage;
    }

    /** True once the login has failed: the connection is closing and the server is not to be believed further. */
    boolean hasFailed() {
        return failed;
    }

    void failed(String sqlState, String message) {
        this.failed = true;
        this.failureSqlState = sqlState != null ? sqlState : CONNECT_FAILED_SQLSTATE;
        this.failureMessage = message != null ? message : "login failed";
    }

    /** Answers an Authentication request from the server. */
    void onAuthenticationRequest(ChannelHandlerContext ctx, ByteBuf body) {
        if (body.readableBytes() < 4) {
            fail(ctx, MALFORMED_REQUEST);
            return;
        }
        int code = body.readInt();
        try {
            switch (code) {
                case MessageType.AUTH_OK -> {
                }
                case MessageType.AUTH_CLEARTEXT -> sendPassword(ctx, requirePlain());
                case MessageType.AUTH_MD5 -> {
                    if (body.readableBytes() < 4) {
                        fail(ctx, MALFORMED_REQUEST);
                        return;
                    }
                    byte[] salt = new byte[4];
                    body.readBytes(salt);
                    String password = credentials.password();
                    String hash = password != null && isMd5Hash(password)
                            ? password : Md5Password.encrypt(requirePlain(), user);
                    sendPassword(ctx, Md5Password.saltedResponse(hash, salt));
                }
                case MessageType.AUTH_SASL -> {
                    if (saslStep != SaslStep.NONE) {
                        fail(ctx, "protocol error: duplicate AuthenticationSASL message from server");
                        return;
                    }
                    startScram(ctx, body);
                }
                case MessageType.AUTH_SASL_CONTINUE -> {
                    if (saslStep != SaslStep.STARTED) {
                        fail(ctx, saslStep == SaslStep.NONE
                                ? "protocol error: AuthenticationSASLContinue without prior AuthenticationSASL"
                                : "SCRAM exchange protocol error: received second AuthenticationSASLContinue");
                        return;
                    }
                    saslStep = SaslStep.CONTINUED;
                    // The reply is computed before its buffer exists: a refused server-first-message throws.
                    byte[] clientFinal = scram.clientFinal(remaining(body));
                    ByteBuf out = ctx.alloc().buffer(clientFinal.length + 8);
                    PgMessages.saslResponse(out, clientFinal);
                    ctx.writeAndFlush(out, ctx.voidPromise());
                }
                case MessageType.AUTH_SASL_FINAL -> {
                    if (saslStep != SaslStep.CONTINUED) {
                        fail(ctx, saslStep == SaslStep.FINISHED
                                ? "protocol error: duplicate AuthenticationSASLFinal message from server"
                                : "protocol error: AuthenticationSASLFinal without prior AuthenticationSASLContinue");
                        return;
                    }
                    saslStep = SaslStep.FINISHED;
                    scram.verifyServerFinal(remaining(body));
                }
                default -> fail(ctx, "unsupported authentication method requested by server: " + code);
            }
        } catch (AuthFailedException e) {
            fail(ctx, "SCRAM authentication with the server failed: " + e.getMessage());
        } catch (MissingPasswordException e) {
            fail(ctx, "no password known for the server login of user " + user
                    + " (with a SCRAM secret in auth_file, a client must log in with SCRAM first)");
        }
    }

    private void startScram(ChannelHandlerContext ctx, ByteBuf body) throws MissingPasswordException {
        List<String> mechanisms = new ArrayList<>();
        while (body.isReadable()) {
            int nul = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
            if (nul <= body.readerIndex()) {
                break;
            }
            mechanisms.add(body.toString(body.readerIndex(), nul - body.readerIndex(), StandardCharsets.UTF_8));
            body.readerIndex(nul + 1);
        }
        if (!mechanisms.contains("SCRAM-SHA-256")) {
            fail(ctx, "server offers no supported SASL mechanism: " + mechanisms);
            return;
        }
        scram = scramExchange();
        saslStep = SaslStep.STARTED;
        ByteBuf out = ctx.alloc().buffer(128);
        PgMessages.saslInitialResponse(out, "SCRAM-SHA-256", scram.clientFirst());
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    private void sendPassword(ChannelHandlerContext ctx, String text) {
        ByteBuf out = ctx.alloc().buffer(text.length() + 8);
        PgMessages.passwordMessage(out, text);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    /** With a plain password, a normal exchange; with only a verifier, pass-through with a client's key. */
    private ScramClientExchange scramExchange() throws MissingPasswordException {
        String password = credentials.password();
        if (password != null && !isMd5Hash(password)) {
            return new ScramClientExchange(password);
        }
        byte[] clientKey = credentials.scramSecret() != null ? scramKeys.get(user) : null;
        if (clientKey == null) {
            throw new MissingPasswordException();
        }
        return new ScramClientExchange(credentials.scramSecret(), clientKey);
    }

    private String requirePlain() throws MissingPasswordException {
        String password = credentials.password();
        if (password == null || isMd5Hash(password)) {
            throw new MissingPasswordException();
        }
        return password;
    }

    private static boolean isMd5Hash(String password) {
        return password.length() == 35 && password.startsWith("md5");
    }

    private void fail(ChannelHandlerContext ctx, String message) {
        failed(CONNECT_FAILED_SQLSTATE, message);
        ctx.close();
    }

    private static byte[] remaining(ByteBuf body) {
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        return bytes;
    }

    /** No usable password for what the server asked. */
    private static final class MissingPasswordException extends Exception {
        private static final long serialVersionUID = 1L;

        MissingPasswordException() {
            super(null, null, false, false);
        }
    }
}
