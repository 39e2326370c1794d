package io.pgmux.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.pgmux.protocol.ClientLoginDecoder;
import io.pgmux.session.ClientSession;
import io.pgmux.session.Engine;
import io.pgmux.tls.DirectTlsSniffer;
import java.net.InetSocketAddress;

/** Sets up an accepted client connection: the SUSPEND gate, the login decoder, then the session. */
public final class ClientChannelInitializer extends ChannelInitializer<Channel> {
    private final Engine engine;

    public ClientChannelInitializer(Engine engine) {
        this.engine = engine;
    }

    @Override
    protected void initChannel(Channel ch) {
        boolean tcp = ch.remoteAddress() instanceof InetSocketAddress;
        ClientSession session = new ClientSession(engine, Transport.peerUid(ch), tcp);
        ch.pipeline().addLast(new ReadGate());
        if (tcp) {
            ch.pipeline().addLast(new DirectTlsSniffer(engine.tls()::clientTls, session::onDirectTls));
        }
        ch.pipeline().addLast(new ClientLoginDecoder(), session);
    }
}
