package io.pgmux.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads the comma-separated {@code x=value} attributes of one SCRAM message, in order. */
final class ScramMessage {

    /** Longest nonce accepted from a peer; PostgreSQL's own are 24 or 48 characters. */
    static final int MAX_NONCE_LENGTH = 1024;

    private final String[] attributes;
    private int next;

    ScramMessage(String text) {
        attributes = text.split(",", -1);
    }

    /**
     * The message as text with one char per byte, so the exact bytes can be rebuilt for the AuthMessage. Empty
     * messages and NUL bytes are refused as PostgreSQL refuses them.
     */
    static String text(byte[] message) throws AuthFailedException {
        if (message.length == 0) {
            throw new AuthFailedException("empty SCRAM message");
        }
        String text = new String(message, StandardCharsets.ISO_8859_1);
        if (text.indexOf('\0') >= 0) {
            throw new AuthFailedException("NUL byte in SCRAM message");
        }
        return text;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    boolean hasNext() {
        return next < attributes.length;
    }

    /** The name of the next attribute, without consuming it. */
    char peekName() throws AuthFailedException {
        if (!hasNext()) {
            throw new AuthFailedException("SCRAM message ends early");
        }
        String attribute = attributes[next];
        if (attribute.length() < 2 || !isAsciiLetter(attribute.charAt(0)) || attribute.charAt(1) != '=') {
            throw new AuthFailedException("malformed SCRAM attribute");
        }
        return attribute.charAt(0);
    }

    /** Consumes the next attribute, which must be {@code name}, and returns its value. */
    String take(char name) throws AuthFailedException {
        if (peekName() != name) {
            throw new AuthFailedException("SCRAM attribute '" + name + "' expected");
        }
        return attributes[next++].substring(2);
    }

    /** Consumes the next attribute, whatever its name, and returns its value. */
    String takeAny() throws AuthFailedException {
        return take(peekName());
    }

    void expectEnd(String what) throws AuthFailedException {
        if (hasNext()) {
            throw new AuthFailedException("garbage at end of " + what);
        }
    }

    /** Strict base64: like PostgreSQL's decoder, padding is required. */
    static byte[] base64(String value, String what) throws AuthFailedException {
        if (value.length() % 4 != 0) {
            throw new AuthFailedException("invalid base64 in SCRAM " + what);
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new AuthFailedException("invalid base64 in SCRAM " + what);
        }
    }

    /** A 32-byte proof or signature in base64. */
    static byte[] key(String value, String what) throws AuthFailedException {
        byte[] key = base64(value, what);
        if (key.length != ScramKeys.KEY_LENGTH) {
            throw new AuthFailedException("malformed SCRAM " + what);
        }
        return key;
    }

    /** RFC 5802's {@code printable}: non-empty, bounded, ASCII 0x21-0x7E except comma. */
    static void checkNonce(String nonce) throws AuthFailedException {
        if (nonce.isEmpty() || nonce.length() > MAX_NONCE_LENGTH) {
            throw new AuthFailedException("SCRAM nonce empty or too long");
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                throw new AuthFailedException("non-printable character in SCRAM nonce");
            }
        }
    }

    /** A peer's text made safe for a log line: printable ASCII only, at most 64 characters. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && i < 64; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c <= 0x7E ? c : '?');
        }
        return out.toString();
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
