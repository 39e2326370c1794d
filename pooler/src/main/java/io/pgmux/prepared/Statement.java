package io.pgmux.prepared;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One distinct prepared statement: the bytes of a Parse body after the name (query text, its NUL, the parameter
 * type count and types), the global id and the name pgmux prepares it under on servers. Shared by every client
 * that prepared this text and every server it is prepared on; each of them holds one reference. Identity matters:
 * a text dropped from the cache and prepared again is a new statement with a new name.
 */
public final class Statement {
    /** Prefix of the server-side names, as PgBouncer names them. */
    static final String NAME_PREFIX = "PGBOUNCER_";

    private final Key key;
    private final long id;
    private final byte[] serverName;
    private final AtomicInteger references = new AtomicInteger(1);

    Statement(Key key, long id) {
        this.key = key;
        this.id = id;
        this.serverName = (NAME_PREFIX + id).getBytes(StandardCharsets.US_ASCII);
    }

    Key key() {
        return key;
    }

    /** Query text with its NUL, parameter type count and types, as in the Parse message. */
    byte[] queryAndTypes() {
        return key.bytes;
    }

    /** The name on servers, {@code PGBOUNCER_<id>}, without NUL. */
    byte[] serverName() {
        return serverName;
    }

    /** Takes one more reference unless the last one is gone (then the statement is leaving the cache). */
    boolean retain() {
        for (;;) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops one reference; true when it was the last. */
    boolean release() {
        return references.decrementAndGet() == 0;
    }

    @Override
    public String toString() {
        return NAME_PREFIX + id;
    }

    /** The cache key: the statement's bytes, compared by content. */
    static final class Key {
        private final byte[] bytes;
        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && other.hash == hash && Arrays.equals(other.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
