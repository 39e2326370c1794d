package io.pgmux.admin.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateCountsTest {

    @Test
    void sumsEveryStateCountedInAColumn() {
        StateCounts counts = new StateCounts(Map.of(ClientState.ACTIVE, 2, ClientState.IDLE, 3),
                Map.of(ServerState.LOGIN, 4));
        assertEquals(5, counts.column("cl_active"));
        assertEquals(0, counts.column("cl_waiting"));
        assertEquals(4, counts.column("sv_login"));
        assertEquals(3, counts.clients(ClientState.IDLE));
        assertEquals(0, counts.servers(ServerState.IDLE));
    }

    @Test
    void rejectsAColumnNoStateIsCountedIn() {
        assertThrows(IllegalArgumentException.class, () -> StateCounts.NONE.column("cl_idle"));
    }

    @Test
    void copiesTheMaps() {
        Map<ClientState, Integer> clients = new HashMap<>(Map.of(ClientState.WAITING, 1));
        StateCounts counts = new StateCounts(clients, Map.of());
        clients.put(ClientState.WAITING, 9);
        assertEquals(1, counts.clients(ClientState.WAITING));
    }

    @Test
    void statesCarryPgBouncersNames() {
        assertEquals(List.of("cl_active", "cl_active", "cl_waiting", "cl_active_cancel_req", "cl_waiting_cancel_req",
                "cl_login"), Arrays.stream(ClientState.values()).map(ClientState::columnName).toList());
        assertEquals(List.of("active", "idle", "waiting", "active_cancel_req", "waiting_cancel_req", "login"),
                Arrays.stream(ClientState.values()).map(ClientState::stateWord).toList());
        assertEquals(List.of("sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login", "sv_active_cancel",
                "sv_being_canceled"), Arrays.stream(ServerState.values()).map(ServerState::columnName).toList());
        assertEquals(List.of("active", "idle", "used", "tested", "new", "active_cancel", "being_canceled"),
                Arrays.stream(ServerState.values()).map(ServerState::stateWord).toList());
    }
}
