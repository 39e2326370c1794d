package io.pgmux.prepared;

import java.util.HashMap;
import java.util.Map;

/**
 * The names one client gave its prepared statements, each holding a reference to the shared {@link Statement}.
 * Confined to the client's event loop. Names are kept as ISO-8859-1 strings of their bytes: any byte sequence maps
 * to one string, cheaply.
 */
final class ClientStatements {
    private final StatementCache cache;
    private final Map<String, Statement> byName = new HashMap<>();

    ClientStatements(StatementCache cache) {
        this.cache = cache;
    }

    Statement get(String name) {
        return byName.get(name);
    }

    boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Adds a name; the caller's reference to {@code s} moves into this map. */
    void put(String name, Statement s) {
        Statement old = byName.put(name, s);
        if (old != null) {
            cache.release(old);
        }
    }

    /** The client closed the name. */
    void remove(String name) {
        Statement s = byName.remove(name);
        if (s != null) {
            cache.release(s);
        }
    }

    /** The server never created what the client prepared under {@code name}: forget it, if it still means s. */
    void forget(String name, Statement s) {
        if (byName.get(name) == s) {
            remove(name);
        }
    }

    /**
     * DEALLOCATE ALL or DISCARD ALL ran: every name is gone but those whose Parse is among {@code pending} (sent
     * after the command).
     */
    void retainOnly(Iterable<Pending> pending) {
        Map<String, Statement> keep = new HashMap<>();
        for (Pending p : pending) {
            if (p.client == this && byName.get(p.name) == p.statement) {
                keep.put(p.name, p.statement);
            }
        }
        byName.keySet().removeAll(keep.keySet());
        clear();
        byName.putAll(keep);
    }

    /** The client left. */
    void clear() {
        for (Statement s : byName.values()) {
            cache.release(s);
        }
        byName.clear();
    }

    int count() {
        return byName.size();
    }
}
