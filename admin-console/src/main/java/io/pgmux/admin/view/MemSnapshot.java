package io.pgmux.admin.view;

import java.util.Objects;

/**
 * One cache of reusable objects for SHOW MEM.
 *
 * @param size bytes per object
 * @param used objects in use
 * @param free objects kept for reuse
 * @param memTotal bytes allocated for the cache
 */
public record MemSnapshot(String name, int size, int used, int free, int memTotal) {
    public MemSnapshot {
        Objects.requireNonNull(name, "name");
    }
}
