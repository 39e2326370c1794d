package io.pgmux.session;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One copy of each user name, database name and parameter value clients send, shared by all clients that send it:
 * most send the same few, and each copy costs about 60 bytes per client, which adds up over ten thousand idle
 * clients. Bounded in number and length, so clients sending ever new values cannot make it grow without end.
 */
final class SharedStrings {
    static final int MAX_VALUES = 4096;
    static final int MAX_LENGTH = 64;

    private final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();

    /** The shared copy of {@code value}, or {@code value} itself when it is too long or the table is full. */
    String share(String value) {
        if (value == null || value.length() > MAX_LENGTH) {
            return value;
        }
        String shared = values.get(value);
        if (shared != null) {
            return shared;
        }
        if (values.size() >= MAX_VALUES) {
            return value;
        }
        shared = values.putIfAbsent(value, value);
        return shared == null ? value : shared;
    }
}
