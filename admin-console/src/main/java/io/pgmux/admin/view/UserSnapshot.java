package io.pgmux.admin.view;

import java.util.Objects;

/**
 * One user known to the pooler ([users] section, auth_file, auth_query) for SHOW USERS. It holds no password.
 *
 * @param poolSize the user's own pool_size, or null when unset; likewise reservePoolSize and poolMode
 * @param maxUserConnections effective max_user_connections (the user's, else the global one)
 * @param currentConnections server connections of this user now
 * @param maxUserClientConnections effective max_user_client_connections
 * @param currentClientConnections client connections of this user now
 */
public record UserSnapshot(String name, Integer poolSize, Integer reservePoolSize, PoolMode poolMode,
        int maxUserConnections, int currentConnections, int maxUserClientConnections,
        int currentClientConnections) {
    public UserSnapshot {
        Objects.requireNonNull(name, "name");
    }
}
