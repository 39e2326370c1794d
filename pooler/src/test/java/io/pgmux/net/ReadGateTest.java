package io.pgmux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SUSPEND gate on a channel: read requests held back while suspended whatever the relay does with autoRead,
 * and on RESUME the reading the relay last asked for.
 */
class ReadGateTest {
    private final ReadCounter reads = new ReadCounter();
    private final ReadGate gate = new ReadGate();
    private EmbeddedChannel channel;

    /** Counts the read requests that get past the gate, towards the socket. */
    private static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel(reads, gate);
        reads.count = 0;
    }

    @AfterEach
    void tearDown() {
        assertFalse(channel.finish());
    }

    /** Suspends and takes the empty write that marks the flush. */
    private void suspend() {
        assertTrue(gate.suspend().isSuccess());
        ByteBuf marker = channel.readOutbound();
        assertEquals(0, marker.readableBytes());
        marker.release();
    }

    @Test
    void passesReadsWhenNotSuspended() {
        channel.config().setAutoRead(false);
        channel.config().setAutoRead(true);
        assertEquals(1, reads.count);
    }

    @Test
    void suspendStopsReadingAndHoldsBackWhatTheRelayAsksFor() {
        suspend();
        assertFalse(channel.config().isAutoRead(), "reading stopped");
        channel.config().setAutoRead(true);
        assertEquals(0, reads.count, "the relay's read request is held back");

        gate.resume();
        assertEquals(1, reads.count, "and let through on resume");
        assertTrue(channel.config().isAutoRead());
    }

    @Test
    void resumeRestoresReadingTheRelayHadOn() {
        suspend();
        gate.resume();
        assertTrue(channel.config().isAutoRead());
        assertEquals(1, reads.count);
    }

    @Test
    void resumeLeavesReadingOffWhenTheRelayHadItOff() {
        channel.config().setAutoRead(false);
        suspend();
        gate.resume();
        assertFalse(channel.config().isAutoRead());
        assertEquals(0, reads.count);
    }

    @Test
    void resumeLeavesReadingOffWhenTheRelayTurnedItOnAndOffMeanwhile() {
        suspend();
        channel.config().setAutoRead(true);
        channel.config().setAutoRead(false);
        gate.resume();
        assertFalse(channel.config().isAutoRead());
        assertEquals(0, reads.count);
    }

    @Test
    void suspendCompletesOnceWhatWasWrittenBeforeIsFlushed() {
        channel.write(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        ChannelFuture flushed = gate.suspend();
        assertTrue(flushed.isSuccess());
        ByteBuf earlier = channel.readOutbound();
        assertEquals(3, earlier.readableBytes(), "the earlier write went out first");
        earlier.release();
        ByteBuf marker = channel.readOutbound();
        assertEquals(0, marker.readableBytes());
        marker.release();
    }
}
