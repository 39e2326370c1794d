package io.pgmux.stats;

/**
 * The statistics of one pool: one {@link LoopStats} per event loop, each written only by its loop, so counting
 * takes no lock and no atomic operation. Readers sum the loops' copies.
 */
public final class PoolStats {
    private final LoopStats[] loops;

    public PoolStats(int loopCount) {
        loops = new LoopStats[loopCount];
        for (int i = 0; i < loopCount; i++) {
            loops[i] = new LoopStats();
        }
    }

    /** The part of loop {@code loopIndex}; use only on that loop. */
    public LoopStats loop(int loopIndex) {
        return loops[loopIndex];
    }
}
