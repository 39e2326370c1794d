package io.pgmux.pool;

import io.pgmux.session.ServerConnection;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The idle servers of one pool that live on one event loop. Touched only by that loop's thread, so it needs no
 * synchronization: other loops reach it through tasks submitted to the loop.
 */
final class LoopPool {
    private final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
    /** Every open server of the pool on this loop, idle or not. */
    private final Set<ServerConnection> all = new HashSet<>();
    /** Servers the janitor of this loop took off the idle list to close, until they are gone. */
    private final Set<ServerConnection> retiring = new HashSet<>();

    /** Most recently used first (keeps fewer servers warm), or oldest first with server_round_robin. */
    ServerConnection pollIdle(boolean roundRobin) {
        return roundRobin ? idle.pollLast() : idle.pollFirst();
    }

    void pushIdle(ServerConnection server) {
        idle.addFirst(server);
    }

    void opened(ServerConnection server) {
        all.add(server);
    }

    /** Forgets a closed server; returns whether it was idle. */
    boolean closed(ServerConnection server) {
        all.remove(server);
        return idle.remove(server);
    }

    void retiring(ServerConnection server) {
        retiring.add(server);
    }

    /** Forgets a retiring server that is gone; returns whether it was retiring. */
    boolean retired(ServerConnection server) {
        return retiring.remove(server);
    }

    Collection<ServerConnection> allServers() {
        return all;
    }

    boolean isEmpty() {
        return idle.isEmpty();
    }

    int size() {
        return idle.size();
    }

    Collection<ServerConnection> idleServers() {
        return idle;
    }
}
