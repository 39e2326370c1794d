package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.pgmux.testing.Await;
import io.pgmux.testing.PgWireClient;
import io.pgmux.testing.PgmuxServer;
import io.pgmux.testing.PostgresExtension;
import io.pgmux.testing.TestPostgres;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that reads a ~200 MB result slowly must not make pgmux buffer it: pgmux stops reading from the server
 * while the client's socket is full (DESIGN §3), so PostgreSQL blocks writing and pgmux's memory stays bounded. Nor
 * must a client that keeps sending while it waits for a server: pgmux stops reading it past a small limit.
 *
 * <p>pgmux runs in this JVM and its channels use Netty's default allocator ({@link ByteBufAllocator#DEFAULT}; no
 * channel sets another), so the allocator's metric is pgmux's buffered bytes plus the allocator's own reserve.
 */
@ExtendWith(PostgresExtension.class)
class BackpressureIT {
    private static final int ROWS = 200_000;
    private static final int WIDTH = 1000;
    private static final String BIG_QUERY = "SELECT repeat('x', " + WIDTH + ") FROM generate_series(1, " + ROWS + ")";
    /**
     * What Netty's allocator may report while 200 MB flow through. It counts reserved chunks, not live bytes, and a
     * chunk (up to a few MiB) stays reserved while any buffer in it lives, so a few hundred KiB of relay buffers can
     * show as several MiB: 2 to 6 MiB here. Buffering the result would take 200 MB.
     */
    private static final long BOUND = 16L << 20;
    /**
     * What pgmux's write buffer to the client may hold: the high water mark (256 KiB), plus what was read before
     * reading stopped, plus on another loop the reads queued for the client's loop (bounded by the same mark).
     */
    private static final long WRITE_BUFFER_BOUND = 2L << 20;
    /** The slow reader takes at most this much from its socket per read... */
    private static final int READ_CHUNK = 16 * 1024;
    /** ...and pauses this long before each read: about 16 MB/s, far slower than PostgreSQL produces the rows. */
    private static final long READ_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The only client opens the pool's server on its own loop. */
    @Test
    @Timeout(180)
    void slowClientOnTheServersLoopKeepsMemoryBounded(TestPostgres postgres) throws Exception {
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("default_pool_size", "1").start();
             PgWireClient client = PgWireClient.connect(address(pgmux))) {
            int backend = Integer.parseInt(client.query("SELECT pg_backend_pid()").single());
            readLargeResultSlowly(postgres, client, backend, TestSessions.of(pgmux, client));
        }
    }

    @Test
    @Timeout(180)
    void slowClientOnAnotherLoopThanItsServerKeepsMemoryBounded(TestPostgres postgres) throws Exception {
        // One server: the first client opens it on its own loop; the next connection is accepted on the other loop
        // (pgmux's two loops take accepted connections in turn) and is handed that same server.
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("default_pool_size", "1").threads(2).start()) {
            int serverLoop;
            int backend;
            try (PgWireClient first = PgWireClient.connect(address(pgmux))) {
                backend = Integer.parseInt(first.query("SELECT pg_backend_pid()").single());
                serverLoop = TestSessions.of(pgmux, first).loopIndex();
                first.terminate();
            }
            try (PgWireClient client = PgWireClient.connect(address(pgmux))) {
                assertNotEquals(serverLoop, TestSessions.of(pgmux, client).loopIndex(),
                        "precondition: the client is on another loop than its server");
                assertEquals(backend, Integer.parseInt(client.query("SELECT pg_backend_pid()").single()),
                        "the one pooled server serves the second client");
                readLargeResultSlowly(postgres, client, backend, TestSessions.of(pgmux, client));
            }
        }
    }

    /**
     * A client that keeps sending while it waits for a server is read only so far: pgmux holds about 64 KiB of it, not
     * the 48 MB it sends, and it still answers once the server is free.
     */
    @Test
    @Timeout(180)
    void waitingClientThatKeepsSendingIsReadOnlySoFar(TestPostgres postgres) throws Exception {
        int queries = 6000;
        String padding = " /* " + "x".repeat(8 * 1024) + " */";
        try (PgmuxServer pgmux = PgmuxServer.builder(postgres).set("pool_mode", "transaction")
                .set("default_pool_size", "1").start();
             PgWireClient holder = PgWireClient.connect(address(pgmux));
             PgWireClient sender = PgWireClient.connect(address(pgmux))) {
            assertProbeSeesAllocations();
            MemoryProbe probe = new MemoryProbe(null);
            holder.query("BEGIN");
            assertEquals("1", holder.query("SELECT 1").single(), "the holder has the only server");
            AtomicLong sent = new AtomicLong();
            Thread sending = new Thread(() -> {
                try {
                    for (int i = 0; i < queries; i++) {
                        sender.sendQuery("SELECT " + i + padding);
                        sent.addAndGet(padding.length());
                    }
                } catch (IOException e) {
                    // The connection closes under a sender still blocked when the test ends.
                }
            }, "pipelining sender");
            sending.setDaemon(true);
            sending.start();
            long[] last = {-1};
            // Sending stalls once pgmux stops reading and the socket buffers are full; without the limit it would
            // only stop after all 48 MB, held by pgmux.
            Await.until(Duration.ofSeconds(60), "the waiting client's sending stalled", () -> {
                probe.sample();
                long now = sent.get();
                boolean stalled = now > 0 && now == last[0];
                last[0] = now;
                return stalled || !sending.isAlive();
            });
            probe.sample();
            assertTrue(sending.isAlive(), "the sender could not send all 48 MB to a pgmux that stopped reading it");
            assertTrue(probe.peak() < BOUND, "pgmux held up to " + probe.peak() + " bytes of a waiting client's "
                    + sent.get() + " bytes sent; bound " + BOUND);
            holder.query("COMMIT");
            assertEquals("0", sender.readResult().single(),
                    "the first waiting query is answered once the server is free");
            probe.sample();
            assertTrue(probe.peak() < BOUND, "pgmux held up to " + probe.peak() + " bytes; bound " + BOUND);
        }
    }

    private static void readLargeResultSlowly(TestPostgres postgres, PgWireClient client, int backend,
            ClientSession session) throws Exception {
        assertProbeSeesAllocations();
        MemoryProbe probe = new MemoryProbe(session.channel());
        probe.sample();
        client.sendQuery(BIG_QUERY);

        // The client reads nothing yet: pgmux must stop reading, so PostgreSQL ends up blocked writing to pgmux.
        try (Connection superuser = postgres.superuser()) {
            Await.until(Duration.ofSeconds(60), "PostgreSQL blocked writing the result (wait_event ClientWrite)",
                    () -> "ClientWrite".equals(TestPostgres.activity(superuser, backend).waitEvent()));
        }
        probe.sample();
        long stalledPeak = probe.peak();

        DataInputStream in = new DataInputStream(new SlowInputStream(client.input(), probe));
        assertEquals('T', (char) in.readUnsignedByte(), "RowDescription first");
        in.skipNBytes(in.readInt() - 4);
        byte[] value = new byte[WIDTH];
        long rows = 0;
        long xs = 0;
        char type;
        while ((type = (char) in.readUnsignedByte()) == 'D') {
            assertEquals(4 + 2 + 4 + WIDTH, in.readInt(), "DataRow length");
            assertEquals(1, in.readShort(), "columns");
            assertEquals(WIDTH, in.readInt(), "value length");
            in.readFully(value);
            for (byte b : value) {
                if (b == 'x') {
                    xs++;
                }
            }
            rows++;
        }
        assertEquals('C', type, "CommandComplete after the rows");
        byte[] tag = new byte[in.readInt() - 4];
        in.readFully(tag);
        assertEquals("SELECT " + ROWS + "\0", new String(tag, StandardCharsets.UTF_8));
        assertEquals('Z', (char) in.readUnsignedByte());
        assertEquals(5, in.readInt());
        assertEquals('I', (char) in.readUnsignedByte());

        assertEquals(ROWS, rows);
        assertEquals((long) ROWS * WIDTH, xs, "every byte of every row arrived intact");
        assertTrue(probe.peak() > 0, "the allocator metric reports pgmux's buffers");
        assertTrue(stalledPeak < BOUND, "pgmux held " + stalledPeak + " bytes while the client read nothing");
        assertTrue(probe.peak() < BOUND, "pgmux held up to " + probe.peak() + " bytes (allocator) while "
                + (long) ROWS * WIDTH + " bytes went through; bound " + BOUND);
        assertTrue(probe.directPoolGrowth() < BOUND, "JVM direct buffers grew by " + probe.directPoolGrowth());
        assertTrue(probe.writeBufferPeak() < WRITE_BUFFER_BOUND, "pgmux's write buffer to the client held up to "
                + probe.writeBufferPeak() + " bytes; bound " + WRITE_BUFFER_BOUND);
        assertEquals("1", client.query("SELECT 1").single(), "the connection goes on after the large result");
    }

    /** The probe must be able to fail: an allocation of BOUND bytes shows in the metric. */
    private static void assertProbeSeesAllocations() {
        MemoryProbe probe = new MemoryProbe(null);
        long before = probe.allocatorBytes();
        ByteBuf big = ByteBufAllocator.DEFAULT.directBuffer((int) BOUND);
        try {
            assertTrue(probe.allocatorBytes() - before >= BOUND,
                    "allocating " + BOUND + " bytes moved the metric by " + (probe.allocatorBytes() - before));
        } finally {
            big.release();
        }
    }

    /** The highest memory use seen by Netty's default allocator, and the growth of the JVM's direct buffers. */
    private static final class MemoryProbe {
        private final ByteBufAllocatorMetric metric;
        private final BufferPoolMXBean directPool;
        private final long directPoolBaseline;
        private final Channel client;
        private long peak;
        private long directPoolPeak;
        private long writeBufferPeak;

        /** @param client pgmux's end of the client's connection, whose write buffer is sampled too (or null) */
        MemoryProbe(Channel client) {
            this.client = client;
            metric = assertInstanceOf(ByteBufAllocatorMetricProvider.class, ByteBufAllocator.DEFAULT,
                    "pgmux's allocator reports its memory").metric();
            directPool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
            directPoolBaseline = directPool.getMemoryUsed();
        }

        long allocatorBytes() {
            return metric.usedDirectMemory() + metric.usedHeapMemory();
        }

        void sample() {
            peak = Math.max(peak, allocatorBytes());
            directPoolPeak = Math.max(directPoolPeak, directPool.getMemoryUsed());
            ChannelOutboundBuffer writeBuffer = client != null ? client.unsafe().outboundBuffer() : null;
            if (writeBuffer != null) {
                writeBufferPeak = Math.max(writeBufferPeak, writeBuffer.totalPendingWriteBytes());
            }
        }

        long writeBufferPeak() {
            return writeBufferPeak;
        }

        long peak() {
            return peak;
        }

        long directPoolGrowth() {
            return directPoolPeak - directPoolBaseline;
        }
    }

    /**
     * Reads from the socket in pieces of at most {@link #READ_CHUNK} bytes, pausing before each and sampling pgmux's
     * memory after each: a client that consumes far slower than the server produces.
     */
    private static final class SlowInputStream extends InputStream {
        private final InputStream source;
        private final MemoryProbe probe;
        private final byte[] chunk = new byte[READ_CHUNK];
        private int pos;
        private int limit;

        SlowInputStream(InputStream source, MemoryProbe probe) {
            this.source = source;
            this.probe = probe;
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            return chunk[pos++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean fill() throws IOException {
            if (pos < limit) {
                return true;
            }
            // Pacing is the point of this reader, not a wait for a condition.
            LockSupport.parkNanos(READ_PAUSE_NANOS);
            int n = source.read(chunk, 0, chunk.length);
            probe.sample();
            if (n <= 0) {
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }
    }

    private static InetSocketAddress address(PgmuxServer pgmux) {
        return new InetSocketAddress("127.0.0.1", pgmux.port());
    }
}
