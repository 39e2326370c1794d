package io.pgmux.admin.view;

/**
 * One [peers] entry for SHOW PEERS.
 *
 * @param poolSize effective pool_size (the entry's, else default_pool_size)
 */
public record PeerSnapshot(int peerId, String host, int port, int poolSize) {
}
