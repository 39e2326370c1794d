package io.pgmux.admin.view;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** How many clients and servers of one pool are in each state. Missing states count 0. */
public record StateCounts(Map<ClientState, Integer> clients, Map<ServerState, Integer> servers) {
    /** No connections at all. */
    public static final StateCounts NONE = new StateCounts(Map.of(), Map.of());

    public StateCounts {
        clients = copy(clients, ClientState.class);
        servers = copy(servers, ServerState.class);
    }

    /** Clients in this state. */
    public int clients(ClientState state) {
        return clients.getOrDefault(state, 0);
    }

    /** Servers in this state. */
    public int servers(ServerState state) {
        return servers.getOrDefault(state, 0);
    }

    /** The value of a SHOW POOLS column such as {@code cl_active}: the sum over every state counted in it. */
    public int column(String columnName) {
        boolean known = false;
        int sum = 0;
        for (ClientState s : ClientState.values()) {
            if (s.columnName().equals(columnName)) {
                known = true;
                sum += clients(s);
            }
        }
        for (ServerState s : ServerState.values()) {
            if (s.columnName().equals(columnName)) {
                known = true;
                sum += servers(s);
            }
        }
        if (!known) {
            throw new IllegalArgumentException("no state is counted in column " + columnName);
        }
        return sum;
    }

    private static <S extends Enum<S>> Map<S, Integer> copy(Map<S, Integer> counts, Class<S> type) {
        EnumMap<S, Integer> copy = new EnumMap<>(type);
        copy.putAll(counts);
        return Collections.unmodifiableMap(copy);
    }
}
