package io.pgmux.bench;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The executor JMH runs the threads of the {@link EmbeddedPgmux} benchmarks on, named by their forks' JVM options
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=io.pgmux.bench.EventLoopThreads}: each thread a {@link
 * FastThreadLocalThread}, as Netty's event loop threads are. On any other thread Netty 4.2 pools nothing: its Recycler
 * makes a new ChannelOutboundBuffer entry for every write (about 70 bytes), so pgmux's code driven from a plain JMH
 * thread allocates what it never allocates on an event loop.
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
    /** The constructor JMH calls. */
    public EventLoopThreads(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix));
    }

    /** Fails unless the calling thread is one of these (a -jvmArgsPrepend on the command line drops the options). */
    static void check() {
        if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
            throw new IllegalStateException("not on a FastThreadLocalThread: run with -Djmh.executor=CUSTOM "
                    + "-Djmh.executor.class=" + EventLoopThreads.class.getName());
        }
    }
}
