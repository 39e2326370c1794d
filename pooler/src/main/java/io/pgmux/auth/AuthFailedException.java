package io.pgmux.auth;

/** A failed or malformed authentication exchange; the message is a short reason fit for the log. */
public final class AuthFailedException extends Exception {

    public AuthFailedException(String reason) {
        super(reason);
    }
}
