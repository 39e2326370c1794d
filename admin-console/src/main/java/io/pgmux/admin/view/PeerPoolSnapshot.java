package io.pgmux.admin.view;

import java.util.Objects;

/** The pool of one peer ([peers] section) for SHOW PEER_POOLS: only cancel-request states occur. */
public record PeerPoolSnapshot(int peerId, StateCounts counts) {
    public PeerPoolSnapshot {
        Objects.requireNonNull(counts, "counts");
    }
}
