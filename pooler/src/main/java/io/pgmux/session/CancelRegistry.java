package io.pgmux.session;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;

/** The cancel keys pgmux gave its clients, so a CancelRequest finds the session whose query it cancels. */
public final class CancelRegistry {
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<Long, ClientSession> sessions = new ConcurrentHashMap<>();

    /** Gives the session a fresh random key (the process id part positive, as PgBouncer does) and records it. */
    long register(ClientSession session) {
        while (true) {
            long key = random.nextLong() & 0x7FFFFFFF_FFFFFFFFL;
            if (sessions.putIfAbsent(key, session) == null) {
                return key;
            }
        }
    }

    void unregister(long key) {
        sessions.remove(key);
    }

    ClientSession find(int processId, int secretKey) {
        return sessions.get(((long) processId << 32) | (secretKey & 0xFFFFFFFFL));
    }
}
