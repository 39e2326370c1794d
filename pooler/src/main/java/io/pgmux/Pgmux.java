package io.pgmux;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.pgmux.admin.AdminExecutor;
import io.pgmux.admin.control.ShutdownMode;
import io.pgmux.auth.ScramKeyCache;
import io.pgmux.config.ConfigException;
import io.pgmux.config.HostPort;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.Secret;
import io.pgmux.config.Setting;
import io.pgmux.log.ConnectionLog;
import io.pgmux.metrics.MetricsServer;
import io.pgmux.net.ClientChannelInitializer;
import io.pgmux.net.Listeners;
import io.pgmux.net.ServerChannels;
import io.pgmux.net.Transport;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolRegistry;
import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.session.AdminConsole;
import io.pgmux.session.AuthRules;
import io.pgmux.session.ConfigReloader;
import io.pgmux.session.Engine;
import io.pgmux.session.EngineControl;
import io.pgmux.session.EngineView;
import io.pgmux.session.Janitor;
import io.pgmux.session.StatsSampler;
import io.pgmux.session.StatsTicker;
import io.pgmux.tls.TlsState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/** A running pgmux: its event loops, listeners and engine. Start one with {@link #start}, stop it with close. */
public final class Pgmux implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Pgmux.class.getName());
    /** PgBouncer's janitor runs once a second; timeouts are that precise. */
    private static final long JANITOR_PERIOD_MILLIS = 1000;
    /** How long close waits for the event loops to finish. */
    private static final long LOOP_STOP_TIMEOUT_SECONDS = 10;

    private final MultiThreadIoEventLoopGroup group;
    private final Engine engine;
    private final ConfigReloader reloader;
    private final Listeners listeners;
    private final Janitor janitor;
    private final StatsTicker statsTicker;
    /** The /metrics listener, or null without metrics_listen. */
    private final MetricsServer metrics;
    private final Transport transport;
    private final Path pidfile;
    private final EngineControl control;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private Pgmux(MultiThreadIoEventLoopGroup group, Engine engine, ConfigReloader reloader, Listeners listeners,
            Janitor janitor, StatsTicker statsTicker, MetricsServer metrics, Transport transport, Path pidfile,
            EngineControl control) {
        this.group = group;
        this.engine = engine;
        this.reloader = reloader;
        this.listeners = listeners;
        this.janitor = janitor;
        this.statsTicker = statsTicker;
        this.metrics = metrics;
        this.transport = transport;
        this.pidfile = pidfile;
        this.control = control;
    }

    /**
     * Starts pgmux with a loaded config.
     *
     * @param transportOverride the --transport option, or null to use the config's {@code transport} key
     * @param threads           event loop threads; 0 = the config's event_loops
     */
    public static Pgmux start(PgBouncerConfig config, String transportOverride, int threads)
            throws ConfigException, IOException {
        Map<String, Secret> authFile = ConfigReloader.readAuthFile(config);
        String requested = transportOverride != null ? transportOverride
                : config.settings().string(Setting.TRANSPORT);
        Transport transport = Transport.select(requested);
        int configured = threads > 0 ? threads : config.settings().integer(Setting.EVENT_LOOPS);
        int n = configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(n, transport.ioHandlerFactory());
        try {
            List<EventLoop> loopList = new ArrayList<>();
            for (EventExecutor e : group) {
                loopList.add((EventLoop) e);
            }
            EventLoop[] loops = loopList.toArray(new EventLoop[0]);
            ScramKeyCache scramKeys = new ScramKeyCache();
            TlsState tls = new TlsState();
            tls.load(config.settings());
            ConnectionLog connectionLog = new ConnectionLog();
            ServerChannels serverChannels = new ServerChannels(loops, transport, scramKeys, tls, connectionLog);
            Engine engine = new Engine(loops, new PoolRegistry(loops, serverChannels, config, authFile),
                    serverChannels, scramKeys, tls, connectionLog, config, authFile);
            engine.updateAuthRules(AuthRules.load(config.settings(), LOG::warning));
            ConfigReloader reloader = new ConfigReloader(engine);
            // Ready before the first client can log in; SHUTDOWN reaches the instance, which exists by then.
            AtomicReference<Pgmux> started = new AtomicReference<>();
            StatsSampler sampler = new StatsSampler(engine);
            StatsTicker statsTicker = new StatsTicker(engine, sampler);
            EngineView view = new EngineView(engine, sampler, statsTicker);
            EngineControl control = new EngineControl(engine, reloader, () -> started.get().close());
            engine.useAdminConsole(new AdminConsole(new AdminExecutor(ZoneId.systemDefault()), view, control));
            String metricsListen = config.settings().string(Setting.METRICS_LISTEN);
            MetricsServer metrics = metricsListen.isBlank() ? null
                    : MetricsServer.bind(HostPort.parse(metricsListen), group, transport, view, sampler);
            Listeners listeners = Listeners.bind(config.settings(), group, transport,
                    new ClientChannelInitializer(engine));
            engine.useListeners(listeners);
            Janitor janitor = new Janitor(engine, JANITOR_PERIOD_MILLIS);
            Path pidfile = writePidfile(config.settings().string(Setting.PIDFILE));
            LOG.info("pgmux " + io.pgmux.admin.PgmuxVersion.pgmux() + " started: transport " + transport.configName()
                    + ", " + n + " event loops");
            Pgmux pgmux = new Pgmux(group, engine, reloader, listeners, janitor, statsTicker, metrics, transport,
                    pidfile, control);
            started.set(pgmux);
            return pgmux;
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    private static Path writePidfile(String pidfile) throws IOException {
        if (pidfile == null || pidfile.isBlank()) {
            return null;
        }
        Path path = Path.of(pidfile);
        // Under the supervising launcher users signal the launcher, which passes the signals on.
        long pid = Launcher.pid().orElse(ProcessHandle.current().pid());
        Files.writeString(path, pid + "\n");
        return path;
    }

    /**
     * SIGHUP, as RELOAD: reads the config file, auth_file, hba and TLS files again and applies them to the running
     * pools (see {@link ConfigReloader#reload}); on any error the running config stays and the reason is logged.
     *
     * @return true when the new config is in force
     */
    public boolean reload() {
        return reloader.reload();
    }

    /** The bound TCP port (the real one when listen_port is 0). */
    public int port() {
        return listeners.tcpPort();
    }

    public Engine engine() {
        return engine;
    }

    public Transport transport() {
        return transport;
    }

    /** The port of the /metrics listener, or -1 without metrics_listen. */
    public int metricsPort() {
        return metrics != null ? metrics.port() : -1;
    }

    /** The admin console's actions, which the signals take too. */
    public EngineControl control() {
        return control;
    }

    /** Completes once pgmux has stopped, by {@link #close} or a SHUTDOWN. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /**
     * Stops listening, closes every connection and the event loops. Runs once; a later call (the JVM's shutdown
     * hook while a SHUTDOWN stops pgmux) waits until it is done. Not to be called on an event loop.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            stopped.join();
            return;
        }
        try {
            engine.shutdown(ShutdownMode.IMMEDIATE);
            janitor.close();
            statsTicker.close();
            if (metrics != null) {
                metrics.close();
            }
            listeners.close();
            for (Pool pool : engine.pools().pools()) {
                pool.closeIdleServers(PgBouncerErrors.SHUTTING_DOWN);
            }
            // A short quiet period lets the closes already queued finish before the loops stop taking tasks. The
            // wait is bounded: Netty's io_uring loop has been seen stuck in its own teardown (cf. netty#15582), and
            // a stop that never returns would keep a SHUTDOWN or a signal from ending the process.
            if (!group.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(LOOP_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warning("event loops did not stop within " + LOOP_STOP_TIMEOUT_SECONDS + " s; going on");
            }
            if (pidfile != null) {
                try {
                    Files.deleteIfExists(pidfile);
                } catch (IOException e) {
                    LOG.warning("cannot remove pidfile " + pidfile + ": " + e.getMessage());
                }
            }
            LOG.info("pgmux stopped");
        } finally {
            stopped.complete(null);
        }
    }
}
