package io.pgmux.protocol;

/** Bytes from a peer that break the protocol; the connection that sent them is closed. */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
