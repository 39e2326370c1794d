package io.pgmux.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.pgmux.admin.view.PoolerView;
import io.pgmux.config.HostPort;
import io.pgmux.net.Transport;
import io.pgmux.session.StatsSampler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.logging.Logger;

/**
 * The HTTP listener of {@code metrics_listen}, serving {@code /metrics} in Prometheus's text format with Netty's HTTP
 * codec on pgmux's own event loops.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());
    /** Requests are small; a larger one is refused by the aggregator. */
    private static final int MAX_REQUEST = 64 * 1024;

    private final Channel channel;

    private MetricsServer(Channel channel) {
        this.channel = channel;
    }

    /**
     * Listens on {@code address}.
     *
     * @throws IOException when the address cannot be bound
     */
    public static MetricsServer bind(HostPort address, EventLoopGroup group, Transport transport, PoolerView view,
            StatsSampler sampler) throws IOException {
        PgBouncerMetrics metrics = new PgBouncerMetrics(view, sampler);
        InetSocketAddress socketAddress = address.anyAddress() ? new InetSocketAddress(address.port())
                : new InetSocketAddress(address.host(), address.port());
        try {
            Channel channel = new ServerBootstrap().group(group)
                    .channel(transport.serverSocketChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST),
                                    new MetricsHandler(metrics::scrape));
                        }
                    })
                    .bind(socketAddress).syncUninterruptibly().channel();
            InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
            LOG.info("metrics on http://" + bound.getHostString() + ":" + bound.getPort() + MetricsHandler.PATH);
            return new MetricsServer(channel);
        } catch (Exception e) {
            throw new IOException("cannot listen for metrics on " + address.host() + ":" + address.port() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The bound port (the real one when metrics_listen asked for port 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
