package io.pgmux.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.pgmux.protocol.ClientLoginDecoder;
import io.pgmux.session.ClientSession;
import io.pgmux.session.Engine;

/** Sets up an accepted client connection: the login decoder, then the session. */
public final class ClientChannelInitializer extends ChannelInitializer<Channel> {
    private final Engine engine;

    public ClientChannelInitializer(Engine engine) {
        this.engine = engine;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new ClientLoginDecoder(), new ClientSession(engine, Transport.peerUid(ch)));
    }
}
