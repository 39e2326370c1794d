package io.pgmux.session;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLSession;

/** A TLS connection described as PgBouncer's logs do: protocol and cipher, {@code TLSv1.3/TLS_AES_256_GCM_SHA384}. */
final class TlsDescription {
    private TlsDescription() {
    }

    /** The description of this channel's TLS session, or {@code no} when it has none. */
    static String of(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return "no";
        }
        SSLSession session = ssl.engine().getSession();
        return session.getProtocol() + "/" + session.getCipherSuite();
    }
}
