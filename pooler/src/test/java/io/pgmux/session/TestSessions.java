package io.pgmux.session;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.pgmux.testing.PgWireClient;
import io.pgmux.testing.PgmuxServer;

/** Finds the session pgmux keeps for a test's client, by the cancel key pgmux gave that client. */
final class TestSessions {
    private TestSessions() {
    }

    static ClientSession of(PgmuxServer pgmux, PgWireClient client) {
        ClientSession session = pgmux.pgmux().engine().cancels().find(client.processId(), client.secretKey());
        assertNotNull(session, "pgmux knows the client by its cancel key");
        return session;
    }
}
