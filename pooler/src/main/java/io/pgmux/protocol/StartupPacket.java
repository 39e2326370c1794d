package io.pgmux.protocol;

import java.util.Collections;
import java.util.Map;

/** A packet of the startup phase, which has a length but no type byte. */
public sealed interface StartupPacket {

    /** SSLRequest: the client asks for TLS. */
    record SslRequest() implements StartupPacket {
    }

    /** GSSENCRequest: the client asks for GSSAPI encryption. */
    record GssEncRequest() implements StartupPacket {
    }

    /** CancelRequest for the backend with this process id and secret key. */
    record CancelRequest(int processId, int secretKey) implements StartupPacket {
    }

    /**
     * StartupMessage.
     *
     * @param majorVersion protocol major version (3)
     * @param minorVersion protocol minor version (0; newer clients may ask for more)
     * @param parameters   name/value pairs in the order sent
     */
    record StartupMessage(int majorVersion, int minorVersion, Map<String, String> parameters) implements StartupPacket {
        public StartupMessage {
            parameters = Collections.unmodifiableMap(parameters);
        }
    }
}
