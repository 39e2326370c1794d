package io.pgmux.tls;

import io.pgmux.config.Settings;
import javax.net.ssl.SSLException;

/** The TLS contexts in use; {@link #load} replaces both at once (start and RELOAD), for new handshakes only. */
public final class TlsState {
    private volatile TlsContexts.ClientTls clientTls = TlsContexts.ClientTls.DISABLED;
    private volatile TlsContexts.ServerTls serverTls = TlsContexts.ServerTls.DISABLED;

    /**
     * Builds both contexts from the settings; on error the ones in use stay.
     *
     * @throws SSLException when a TLS file cannot be read or a mode lacks the files it needs
     */
    public void load(Settings settings) throws SSLException {
        TlsContexts.ClientTls newClient = TlsContexts.forClients(settings);
        TlsContexts.ServerTls newServer = TlsContexts.forServers(settings);
        clientTls = newClient;
        serverTls = newServer;
    }

    public TlsContexts.ClientTls clientTls() {
        return clientTls;
    }

    public TlsContexts.ServerTls serverTls() {
        return serverTls;
    }
}
