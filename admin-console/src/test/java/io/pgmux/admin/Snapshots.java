package io.pgmux.admin;

import io.pgmux.admin.view.ConnectionSnapshot;
import io.pgmux.admin.view.ConnectionState;
import io.pgmux.admin.view.Replication;
import io.pgmux.admin.view.SocketBuffers;
import java.time.Instant;

/** Connection snapshots for tests, with plain values wherever the test does not care. */
public final class Snapshots {
    /** 2024-03-01 12:34:56 UTC. */
    public static final Instant CONNECTED = Instant.parse("2024-03-01T12:34:56Z");
    /** 2024-03-01 12:35:07 UTC. */
    public static final Instant REQUESTED = Instant.parse("2024-03-01T12:35:07Z");

    private Snapshots() {
    }

    /** A TCP connection of app to appdb in this state, with this id and link. */
    public static <S extends ConnectionState> ConnectionSnapshot<S> connection(S state, long id, Long linkId) {
        return connection(state, id, linkId, SocketBuffers.EMPTY);
    }

    /** The same with these buffers. */
    public static <S extends ConnectionState> ConnectionSnapshot<S> connection(S state, long id, Long linkId,
            SocketBuffers buffers) {
        return new ConnectionSnapshot<>(state, id, "app", "appdb", Replication.NONE, "10.0.0.7", 51234,
                "10.0.0.1", 6432, CONNECTED, REQUESTED, 2_500_000L, false, linkId, 0, "", "psql", 3, buffers);
    }
}
