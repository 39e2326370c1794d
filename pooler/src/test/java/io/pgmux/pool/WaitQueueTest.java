package io.pgmux.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class WaitQueueTest {
    private static final long MS = 1_000_000;

    /** A waiter of loop {@code loop} that started to wait {@code agoMillis} ago. */
    private static Waiter waiter(int loop, long agoMillis) {
        return new Waiter(null, loop, System.nanoTime() - agoMillis * MS);
    }

    @Test
    void aServerServesItsOwnLoopFirstInArrivalOrder() {
        WaitQueue queue = new WaitQueue(2);
        Waiter remote = waiter(1, 12);
        Waiter first = waiter(0, 10);
        Waiter second = waiter(0, 9);
        queue.offer(remote);
        queue.offer(first);
        queue.offer(second);

        assertSame(first, queue.pollFor(0));
        assertSame(second, queue.pollFor(0));
        assertSame(remote, queue.pollFor(0), "with none of its own left, a loop serves another loop's waiter");
        assertNull(queue.pollFor(0));
        assertTrue(queue.isEmpty());
    }

    @Test
    void aWaiterOfAnotherLoopThatWaitedTwiceAsLongGoesFirst() {
        WaitQueue queue = new WaitQueue(3);
        Waiter local = waiter(0, 5);
        Waiter starving = waiter(2, 40);
        Waiter lessStarving = waiter(1, 30);
        queue.offer(local);
        queue.offer(lessStarving);
        queue.offer(starving);

        assertSame(starving, queue.pollFor(0));
        assertSame(lessStarving, queue.pollFor(0));
        assertSame(local, queue.pollFor(0));
    }

    @Test
    void aSmallDifferenceInWaitingKeepsTheServerOnItsLoop() {
        WaitQueue queue = new WaitQueue(2);
        Waiter local = waiter(0, 0);
        Waiter remote = waiter(1, 0);
        queue.offer(remote);
        queue.offer(local);

        // Twice as long as a waiter that just arrived, but less than the 1 ms a hop is allowed to save.
        assertSame(local, queue.pollFor(0));
    }

    @Test
    void cancelledWaitersAreSkippedAndEachWaiterIsServedOnce() {
        WaitQueue queue = new WaitQueue(2);
        Waiter gone = waiter(0, 3);
        Waiter next = waiter(0, 2);
        queue.offer(gone);
        queue.offer(next);
        assertTrue(gone.cancel());

        assertSame(next, queue.pollFor(1));
        assertFalse(next.cancel(), "a served waiter can no longer be cancelled");
        assertNull(queue.pollFor(0));
        assertNull(queue.pollAny());
    }

    @Test
    void iterationAndSizeCoverEveryLoop() {
        WaitQueue queue = new WaitQueue(2);
        Waiter a = waiter(0, 1);
        Waiter b = waiter(1, 1);
        queue.offer(a);
        queue.offer(b);

        assertEquals(2, queue.size());
        List<Waiter> all = StreamSupport.stream(queue.spliterator(), false).toList();
        assertTrue(all.containsAll(List.of(a, b)));
        assertTrue(queue.remove(b));
        assertSame(a, queue.pollAny());
        assertTrue(queue.isEmpty());
    }
}
