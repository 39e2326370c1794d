package io.pgmux.session;

import java.util.concurrent.atomic.AtomicLong;

/** The ids SHOW CLIENTS and SHOW SERVERS print, unique over every client and server connection of the process. */
final class ConnectionIds {
    private static final AtomicLong NEXT = new AtomicLong(1);

    private ConnectionIds() {
    }

    static long next() {
        return NEXT.getAndIncrement();
    }
}
