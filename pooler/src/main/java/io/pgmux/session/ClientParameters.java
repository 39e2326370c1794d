package io.pgmux.session;

import java.util.Arrays;

/**
 * A client's values of the tracked parameters, by the server's spelling of their names. There are a handful of them
 * and a pooler may hold ten thousand idle clients, so they sit in one flat array of name, value pairs rather than in
 * a HashMap, whose nodes would cost several times as much per client. Confined to the client's event loop.
 */
final class ClientParameters {
    private String[] pairs = new String[12];
    private int size;

    String get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : pairs[i + 1];
    }

    String getOrDefault(String name, String fallback) {
        String value = get(name);
        return value == null ? fallback : value;
    }

    void put(String name, String value) {
        int i = indexOf(name);
        if (i >= 0) {
            pairs[i + 1] = value;
            return;
        }
        if (size == pairs.length) {
            pairs = Arrays.copyOf(pairs, size * 2);
        }
        pairs[size] = name;
        pairs[size + 1] = value;
        size += 2;
    }

    void putIfAbsent(String name, String value) {
        if (indexOf(name) < 0) {
            put(name, value);
        }
    }

    private int indexOf(String name) {
        // Names are nearly always the very instances TrackedParameters hands out: this runs at every server
        // hand-over, so the identity pass spares a String.equals per name passed over.
        for (int i = 0; i < size; i += 2) {
            if (pairs[i] == name) {
                return i;
            }
        }
        for (int i = 0; i < size; i += 2) {
            if (pairs[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
