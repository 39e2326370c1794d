package io.pgmux.prepared;

import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.Setting;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The statements of all clients, one per distinct text, shared by every event loop. Lookups are lock-free; a text
 * seen for the first time is inserted once. A statement leaves when its last client and its last server let go.
 */
public final class StatementCache {
    private final ConcurrentHashMap<Statement.Key, Statement> statements = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong();
    /** max_prepared_statements of the config last asked about, parsed once per config. */
    private volatile Limit limit = new Limit(null, 0);

    private record Limit(PgBouncerConfig config, int value) {
    }

    /** max_prepared_statements in {@code config}: the size of each server's LRU, 0 when tracking is off. */
    public int limit(PgBouncerConfig config) {
        Limit l = limit;
        if (l.config != config) {
            l = new Limit(config, Math.max(0, config.settings().integer(Setting.MAX_PREPARED_STATEMENTS)));
            limit = l;
        }
        return l.value;
    }

    /** The statement of these bytes (query, NUL, parameter types), with one reference for the caller. */
    Statement acquire(byte[] queryAndTypes) {
        Statement.Key key = new Statement.Key(queryAndTypes);
        for (;;) {
            Statement s = statements.get(key);
            if (s == null) {
                Statement fresh = new Statement(key, lastId.incrementAndGet());
                s = statements.putIfAbsent(key, fresh);
                if (s == null) {
                    return fresh;
                }
            }
            if (s.retain()) {
                return s;
            }
            // Its last holder let go and is removing it: help, then insert anew.
            statements.remove(key, s);
        }
    }

    /** Gives back one reference taken by {@link #acquire} or {@link Statement#retain}. */
    void release(Statement s) {
        if (s.release()) {
            statements.remove(s.key(), s);
        }
    }

    /** Distinct statements held now. */
    public int size() {
        return statements.size();
    }
}
