package io.pgmux.session;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.pgmux.admin.view.MemSnapshot;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SHOW MEM's rows for a JVM. PgBouncer lists its slab caches; pgmux's memory is the JVM heap, memory outside it
 * (direct buffers) and Netty's buffer pools, so those are the rows, in bytes: {@code size} 1, {@code used} and
 * {@code free} bytes, {@code memtotal} bytes reserved. Values above 2 GiB show as 2 GiB - 1 (the columns are int4).
 */
final class MemoryFigures {
    private MemoryFigures() {
    }

    static List<MemSnapshot> read() {
        List<MemSnapshot> rows = new ArrayList<>();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        rows.add(bytes("jvm_heap", heap.getUsed(), heap.getCommitted()));
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        rows.add(bytes("jvm_non_heap", nonHeap.getUsed(), nonHeap.getCommitted()));
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            String name = pool.getName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
            rows.add(bytes("jvm_" + name + "_buffers", pool.getMemoryUsed(), pool.getTotalCapacity()));
        }
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            ByteBufAllocatorMetric metric = provider.metric();
            rows.add(bytes("netty_direct_buffers", metric.usedDirectMemory(), metric.usedDirectMemory()));
            rows.add(bytes("netty_heap_buffers", metric.usedHeapMemory(), metric.usedHeapMemory()));
        }
        return rows;
    }

    private static MemSnapshot bytes(String name, long used, long total) {
        return new MemSnapshot(name, 1, clamp(used), clamp(Math.max(0, total - used)), clamp(total));
    }

    private static int clamp(long value) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, value));
    }
}
