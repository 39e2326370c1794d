package io.pgmux.pool;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The counts that bound how many servers may be open: this pool's, its database's (max_db_connections) and its
 * server user's (max_user_connections). A server is opened only after every count was raised below its limit by a
 * CAS, so no limit is ever passed, even for an instant; the counts are lowered once when the server is gone.
 *
 * <p>The limits are given with each acquire, read from the pool's settings in force, so RELOAD and SET change them
 * without touching the counts: a lowered limit only stops new servers until enough of the open ones are gone.
 */
final class ServerLimits {
    private final AtomicInteger pool = new AtomicInteger();
    private final AtomicInteger database;
    private final AtomicInteger user;

    ServerLimits(AtomicInteger database, AtomicInteger user) {
        this.database = database;
        this.user = user;
    }

    /** What stopped an acquire. */
    enum Outcome { ACQUIRED, POOL_FULL, SHARED_LIMIT }

    /**
     * Takes one server slot if the pool has fewer than {@code poolLimit} servers and the database and the user fewer
     * than theirs (0: no limit).
     */
    Outcome tryAcquire(int poolLimit, int databaseLimit, int userLimit) {
        if (!incrementBelow(pool, poolLimit)) {
            return Outcome.POOL_FULL;
        }
        if (!incrementBelow(database, databaseLimit > 0 ? databaseLimit : Integer.MAX_VALUE)) {
            pool.decrementAndGet();
            return Outcome.SHARED_LIMIT;
        }
        if (!incrementBelow(user, userLimit > 0 ? userLimit : Integer.MAX_VALUE)) {
            database.decrementAndGet();
            pool.decrementAndGet();
            return Outcome.SHARED_LIMIT;
        }
        return Outcome.ACQUIRED;
    }

    /** A server of this pool is gone. */
    void release() {
        user.decrementAndGet();
        database.decrementAndGet();
        pool.decrementAndGet();
    }

    int poolCount() {
        return pool.get();
    }

    private static boolean incrementBelow(AtomicInteger count, int limit) {
        int n;
        do {
            n = count.get();
            if (n >= limit) {
                return false;
            }
        } while (!count.compareAndSet(n, n + 1));
        return true;
    }
}
