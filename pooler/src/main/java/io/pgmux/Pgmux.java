package io.pgmux;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.pgmux.admin.AdminExecutor;
import io.pgmux.admin.control.ShutdownMode;
import io.pgmux.auth.ScramKeyCache;
import io.pgmux.config.AuthFile;
import io.pgmux.config.ConfigException;
import io.pgmux.config.ConfigLoader;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.Secret;
import io.pgmux.config.Setting;
import io.pgmux.net.ClientChannelInitializer;
import io.pgmux.net.Listeners;
import io.pgmux.net.ServerChannels;
import io.pgmux.net.Transport;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolRegistry;
import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.session.AdminConsole;
import io.pgmux.session.AuthRules;
import io.pgmux.session.Engine;
import io.pgmux.session.EngineControl;
import io.pgmux.session.EngineView;
import io.pgmux.session.Janitor;
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

    private final MultiThreadIoEventLoopGroup group;
    private final Engine engine;
    private final Listeners listeners;
    private final Janitor janitor;
    private final Transport transport;
    private final Path pidfile;
    private final EngineControl control;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private Pgmux(MultiThreadIoEventLoopGroup group, Engine engine, Listeners listeners, Janitor janitor,
            Transport transport, Path pidfile, EngineControl control) {
        this.group = group;
        this.engine = engine;
        this.listeners = listeners;
        this.janitor = janitor;
        this.transport = transport;
        this.pidfile = pidfile;
        this.control = control;
    }

    /**
     * Starts pgmux with a loaded config.
     *
     * @param transportOverride the --transport option, or null to use the config's {@code transport} key
     * @param threads           event loop threads; 0 = one per core
     */
    public static Pgmux start(PgBouncerConfig config, String transportOverride, int threads)
            throws ConfigException, IOException {
        Map<String, Secret> authFile = readAuthFile(config);
        String requested = transportOverride != null ? transportOverride
                : config.settings().string(Setting.TRANSPORT);
        Transport transport = Transport.select(requested);
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
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
            ServerChannels serverChannels = new ServerChannels(loops, transport, scramKeys, tls);
            Engine engine = new Engine(loops, new PoolRegistry(loops, serverChannels), serverChannels, scramKeys,
                    tls, config, authFile);
            engine.updateAuthRules(AuthRules.load(config.settings(), LOG::warning));
            // Ready before the first client can log in; SHUTDOWN reaches the instance, which exists by then.
            AtomicReference<Pgmux> started = new AtomicReference<>();
            EngineControl control = new EngineControl(engine, () -> reload(engine), () -> started.get().close());
            engine.useAdminConsole(new AdminConsole(new AdminExecutor(ZoneId.systemDefault()),
                    new EngineView(engine), control));
            Listeners listeners = Listeners.bind(config.settings(), group, transport,
                    new ClientChannelInitializer(engine));
            engine.useListeners(listeners);
            Janitor janitor = new Janitor(engine, JANITOR_PERIOD_MILLIS);
            Path pidfile = writePidfile(config.settings().string(Setting.PIDFILE));
            LOG.info("pgmux " + io.pgmux.admin.PgmuxVersion.pgmux() + " started: transport " + transport.configName()
                    + ", " + n + " event loops");
            Pgmux pgmux = new Pgmux(group, engine, listeners, janitor, transport, pidfile, control);
            started.set(pgmux);
            return pgmux;
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    private static Map<String, Secret> readAuthFile(PgBouncerConfig config) throws ConfigException {
        String file = config.settings().string(Setting.AUTH_FILE);
        if (file == null || file.isBlank()) {
            return Map.of();
        }
        return AuthFile.read(Path.of(file), LOG::warning);
    }

    private static Path writePidfile(String pidfile) throws IOException {
        if (pidfile == null || pidfile.isBlank()) {
            return null;
        }
        Path path = Path.of(pidfile);
        Files.writeString(path, ProcessHandle.current().pid() + "\n");
        return path;
    }

    /**
     * RELOAD (and SIGHUP): reads the config file, auth_file and TLS files again. New logins and new TLS handshakes
     * use them; on any error the running config stays and the reason is logged, as PgBouncer does.
     *
     * @return true when the new config is in use
     */
    public boolean reload() {
        return reload(engine);
    }

    private static boolean reload(Engine engine) {
        Path file = engine.config().file();
        try {
            PgBouncerConfig config = ConfigLoader.load(file, LOG::warning);
            Map<String, Secret> authFile = readAuthFile(config);
            AuthRules rules = AuthRules.load(config.settings(), LOG::warning);
            engine.tls().load(config.settings());
            engine.updateAuthRules(rules);
            engine.update(config, authFile);
            LOG.info("RELOAD: " + file + " reloaded");
            return true;
        } catch (ConfigException | IOException | RuntimeException e) {
            LOG.severe("RELOAD failed, keeping the running config: " + e.getMessage());
            return false;
        }
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
            listeners.close();
            for (Pool pool : engine.pools().pools()) {
                pool.closeIdleServers(PgBouncerErrors.SHUTTING_DOWN);
            }
            // A short quiet period lets the closes already queued finish before the loops stop taking tasks.
            group.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
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
