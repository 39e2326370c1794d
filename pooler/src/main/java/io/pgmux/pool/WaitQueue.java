package io.pgmux.pool;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The clients of one pool waiting for a server: one FIFO per event loop, holding the waiters whose clients live on
 * that loop. A server released on a loop goes to a waiter of the same loop when there is one, so client and server
 * talk without a thread hop; it goes to another loop's waiter when its own loop has none, or when that waiter has
 * waited much longer (see {@link #pollFor}), which keeps the loops fair to each other. Safe for any thread.
 */
final class WaitQueue implements Iterable<Waiter> {
    /**
     * How much longer than the local head another loop's head must have waited to go first: twice as long, and at
     * least this much more. Below it the local waiter is served, as a thread hop costs more than the difference.
     */
    private static final long MIN_SKEW_NANOS = 1_000_000;

    /** Indexed by loop; an array, as the loops over it run on every checkout and release. */
    private final ConcurrentLinkedQueue<Waiter>[] queues;

    @SuppressWarnings("unchecked")
    WaitQueue(int loops) {
        queues = new ConcurrentLinkedQueue[loops];
        for (int i = 0; i < loops; i++) {
            queues[i] = new ConcurrentLinkedQueue<>();
        }
    }

    void offer(Waiter waiter) {
        queues[waiter.loopIndex()].offer(waiter);
    }

    boolean isEmpty() {
        for (ConcurrentLinkedQueue<Waiter> queue : queues) {
            if (!queue.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Waiters queued, cancelled ones still in place included. */
    int size() {
        int n = 0;
        for (ConcurrentLinkedQueue<Waiter> queue : queues) {
            n += queue.size();
        }
        return n;
    }

    boolean remove(Waiter waiter) {
        return queues[waiter.loopIndex()].remove(waiter);
    }

    /**
     * Claims the waiter a server of loop {@code loopIndex} should serve: the oldest of that loop, unless another
     * loop's oldest has waited twice as long and {@link #MIN_SKEW_NANOS} more, or that loop has none. Null when no
     * client waits.
     */
    Waiter pollFor(int loopIndex) {
        while (true) {
            Waiter local = liveHead(queues[loopIndex]);
            Waiter remote = oldestHeadElsewhere(loopIndex);
            Waiter chosen = local == null ? remote
                    : remote != null && waitedMuchLonger(remote, local, System.nanoTime()) ? remote : local;
            if (chosen == null) {
                return null;
            }
            if (queues[chosen.loopIndex()].remove(chosen) && chosen.take()) {
                return chosen;
            }
        }
    }

    /** Claims any waiter, oldest of each loop first (clients failed all together). Null when none is left. */
    Waiter pollAny() {
        for (ConcurrentLinkedQueue<Waiter> queue : queues) {
            Waiter waiter;
            while ((waiter = queue.poll()) != null) {
                if (waiter.take()) {
                    return waiter;
                }
            }
        }
        return null;
    }

    /** Every waiter queued, loop by loop; the iterators are weakly consistent. */
    @Override
    public Iterator<Waiter> iterator() {
        return Arrays.stream(queues).flatMap(ConcurrentLinkedQueue::stream).iterator();
    }

    private static boolean waitedMuchLonger(Waiter older, Waiter younger, long now) {
        long olderWait = now - older.sinceNanos();
        long youngerWait = now - younger.sinceNanos();
        return olderWait - youngerWait > Math.max(MIN_SKEW_NANOS, youngerWait);
    }

    private Waiter oldestHeadElsewhere(int loopIndex) {
        Waiter oldest = null;
        for (int i = 0; i < queues.length; i++) {
            if (i != loopIndex) {
                Waiter head = liveHead(queues[i]);
                if (head != null && (oldest == null || head.sinceNanos() - oldest.sinceNanos() < 0)) {
                    oldest = head;
                }
            }
        }
        return oldest;
    }

    /** The first waiter of a queue still waiting; cancelled ones in front of it are dropped. */
    private static Waiter liveHead(ConcurrentLinkedQueue<Waiter> queue) {
        Waiter head;
        while ((head = queue.peek()) != null && !head.waiting()) {
            queue.remove(head);
        }
        return head;
    }
}
