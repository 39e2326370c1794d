package io.pgmux.admin.view;

/** The whole pooler's pause state, as SHOW STATE prints it. */
public enum PoolerState {
    ACTIVE, PAUSED, SUSPENDED
}
