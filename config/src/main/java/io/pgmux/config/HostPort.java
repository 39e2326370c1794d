package io.pgmux.config;

import java.util.Objects;

/**
 * A {@code host:port} address as pgmux's own keys take it ({@code metrics_listen}): a host name, an IPv4 address, an
 * IPv6 address in brackets, or {@code *} for every address; port 0 asks for any free port.
 */
public record HostPort(String host, int port) {
    /** The host that stands for every local address. */
    public static final String ANY = "*";

    public HostPort {
        Objects.requireNonNull(host, "host");
    }

    /**
     * Reads {@code host:port}.
     *
     * @throws IllegalArgumentException with the reason when the text is not of that form
     */
    public static HostPort parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("expected host:port");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException(host.isEmpty() ? "expected host:port"
                    : "port must be a number between 0 and 65535");
        }
        return new HostPort(host, port);
    }

    /** True for {@code *}: listen on every address. */
    public boolean anyAddress() {
        return ANY.equals(host);
    }
}
