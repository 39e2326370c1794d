package io.pgmux.prepared;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * The statements prepared on one server under their {@code PGBOUNCER_<id>} names, least recently used first, each
 * holding a reference to the shared {@link Statement}. Touched by the loop that runs the server's data path (the
 * linked client's, or the server's own when idle); hand-overs between loops go through their task queues.
 */
final class ServerStatements {
    private final StatementCache cache;
    /** Access order: a lookup makes the statement the most recently used. Identity keys. */
    private final LinkedHashMap<Statement, Statement> lru = new LinkedHashMap<>(16, 0.75f, true);
    /** The LRU's size for SHOW SERVERS, which reads it on the server's loop while another loop may use the LRU. */
    private volatile int count;

    ServerStatements(StatementCache cache) {
        this.cache = cache;
    }

    /** True when {@code s} is prepared here; it becomes the most recently used. */
    boolean touch(Statement s) {
        return lru.get(s) != null;
    }

    /** Records a statement pgmux is preparing here, taking a reference of its own. */
    void add(Statement s) {
        if (lru.containsKey(s)) {
            return;
        }
        if (!s.retain()) {
            throw new IllegalStateException("statement " + s + " used after release");
        }
        lru.put(s, s);
        count = lru.size();
    }

    /** Removes the least recently used statement and returns it with its reference, or null when there are none. */
    Statement evictEldest() {
        Iterator<Statement> it = lru.keySet().iterator();
        if (!it.hasNext()) {
            return null;
        }
        Statement eldest = it.next();
        it.remove();
        count = lru.size();
        return eldest;
    }

    /** Its Parse failed, or the server dropped it: it is not prepared here. */
    void forget(Statement s) {
        if (lru.remove(s) != null) {
            cache.release(s);
            count = lru.size();
        }
    }

    /** An eviction's Close was not executed: the statement is still here; its reference comes back with it. */
    void restore(Statement s) {
        if (lru.containsKey(s)) {
            cache.release(s);
        } else {
            lru.put(s, s);
            count = lru.size();
        }
    }

    /** The server dropped every statement but those in {@code keep} (prepared after DEALLOCATE ALL, DISCARD ALL). */
    void retainOnly(Set<Statement> keep) {
        Iterator<Statement> it = lru.keySet().iterator();
        while (it.hasNext()) {
            Statement s = it.next();
            if (!keep.contains(s)) {
                it.remove();
                cache.release(s);
            }
        }
        count = lru.size();
    }

    /** Every statement is gone (the connection closed). */
    void clear() {
        for (Statement s : lru.keySet()) {
            cache.release(s);
        }
        lru.clear();
        count = 0;
    }

    int size() {
        return lru.size();
    }

    /** For SHOW SERVERS, from any thread. */
    int count() {
        return count;
    }
}
