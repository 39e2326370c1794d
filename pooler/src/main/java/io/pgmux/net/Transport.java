package io.pgmux.net;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.io.IOException;
import java.util.Locale;

/** The socket I/O implementation: Linux io_uring, then epoll, then Java NIO, whichever works first. */
public enum Transport {
    IO_URING("io_uring"), EPOLL("epoll"), NIO("nio");

    private final String configName;

    Transport(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /**
     * The transport to use: the one asked for, or with {@code auto} the best one available here.
     *
     * @throws IllegalArgumentException when the one asked for is unknown or cannot run on this machine
     */
    public static Transport select(String requested) {
        String name = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "auto", "" -> {
                if (IoUring.isAvailable()) {
                    return IO_URING;
                }
                return Epoll.isAvailable() ? EPOLL : NIO;
            }
            case "io_uring" -> {
                if (!IoUring.isAvailable()) {
                    throw new IllegalArgumentException("io_uring is not available: " + IoUring.unavailabilityCause());
                }
                return IO_URING;
            }
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalArgumentException("epoll is not available: " + Epoll.unavailabilityCause());
                }
                return EPOLL;
            }
            case "nio" -> {
                return NIO;
            }
            default -> throw new IllegalArgumentException(
                    "unknown transport: " + requested + " (expected auto, io_uring, epoll or nio)");
        }
    }

    public IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    public Class<? extends ServerChannel> serverSocketChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends Channel> socketChannel() {
        return switch (this) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    public Class<? extends ServerChannel> serverDomainSocketChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerDomainSocketChannel.class;
            case EPOLL -> EpollServerDomainSocketChannel.class;
            case NIO -> NioServerDomainSocketChannel.class;
        };
    }

    public Class<? extends Channel> domainSocketChannel() {
        return switch (this) {
            case IO_URING -> IoUringDomainSocketChannel.class;
            case EPOLL -> EpollDomainSocketChannel.class;
            case NIO -> NioDomainSocketChannel.class;
        };
    }

    /** The OS user id of the process at the other end of a Unix socket, or -1 when unknown. */
    public static int peerUid(Channel channel) {
        try {
            if (channel instanceof EpollDomainSocketChannel epoll) {
                return epoll.peerCredentials().uid();
            }
            if (channel instanceof IoUringDomainSocketChannel uring) {
                return uring.peerCredentials().uid();
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
