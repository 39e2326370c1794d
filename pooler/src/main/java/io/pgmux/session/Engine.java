package io.pgmux.session;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.pgmux.admin.control.ShutdownMode;
import io.pgmux.auth.PlainScramVerifiers;
import io.pgmux.auth.ScramKeyCache;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.Secret;
import io.pgmux.config.Setting;
import io.pgmux.log.ConnectionLog;
import io.pgmux.pool.PoolRegistry;
import io.pgmux.prepared.StatementCache;
import io.pgmux.tls.TlsState;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What client sessions share: the current config and auth file, the pools, the cancel keys, the event loops and
 * the client count. Config and auth file are immutable values swapped whole on reload.
 */
public final class Engine {
    private final EventLoop[] loops;
    /** Each loop's clients, touched only on that loop: the janitor walks them. */
    private final List<Set<ClientSession>> loopClients = new ArrayList<>();
    private final Map<EventExecutor, Integer> loopIndexes = new IdentityHashMap<>();
    private final PoolRegistry pools;
    private final CancelRegistry cancels = new CancelRegistry();
    private final AtomicInteger clientCount = new AtomicInteger();
    private final CancelSender cancelSender;
    private final ScramKeyCache scramKeys;
    private final TlsState tls;
    private final ConnectionLog connectionLog;
    private volatile PlainScramVerifiers plainVerifiers;
    private volatile PgBouncerConfig config;
    private volatile Map<String, Secret> authFile;
    private volatile TrackedParameters tracked;
    private volatile AuthRules authRules = AuthRules.NONE;
    /** Null while running; else how SHUTDOWN (or a signal) asked pgmux to stop. */
    private volatile ShutdownMode shutdownMode;
    private volatile AdminConsole adminConsole;
    private volatile ListenerControl listeners;
    /** The clients' named prepared statements, shared by every loop. */
    private final StatementCache preparedStatements;
    private final SharedStrings sharedStrings = new SharedStrings();
    /** Databases closed to new clients by DISABLE. */
    private final Set<String> disabledDatabases = ConcurrentHashMap.newKeySet();

    /** Sends a CancelRequest to a server address. */
    @FunctionalInterface
    public interface CancelSender {
        /** Gives up when the server does not take the connection within {@code timeout} (cancel_wait_timeout). */
        void send(SocketAddress server, EventLoop loop, int processId, int secretKey, Duration timeout);
    }

    public Engine(EventLoop[] loops, PoolRegistry pools, CancelSender cancelSender, ScramKeyCache scramKeys,
            TlsState tls, ConnectionLog connectionLog, PgBouncerConfig config, Map<String, Secret> authFile) {
        this.scramKeys = scramKeys;
        this.connectionLog = connectionLog;
        this.tls = tls;
        this.loops = loops;
        for (int i = 0; i < loops.length; i++) {
            loopIndexes.put(loops[i], i);
            loopClients.add(new HashSet<>());
        }
        this.pools = pools;
        this.cancelSender = cancelSender;
        this.preparedStatements = new StatementCache();
        update(config, authFile);
    }

    /** Swaps in a new config and auth file. */
    public void update(PgBouncerConfig newConfig, Map<String, Secret> newAuthFile) {
        this.config = newConfig;
        this.authFile = newAuthFile;
        this.tracked = new TrackedParameters(newConfig.settings().list(Setting.TRACK_EXTRA_PARAMETERS));
        this.plainVerifiers = new PlainScramVerifiers(newConfig.settings().integer(Setting.SCRAM_ITERATIONS));
        connectionLog.apply(newConfig.settings());
    }

    /** The log_connections, log_disconnections and log_pooler_errors lines, as the config has them now. */
    public ConnectionLog connectionLog() {
        return connectionLog;
    }

    public PgBouncerConfig config() {
        return config;
    }

    public Map<String, Secret> authFile() {
        return authFile;
    }

    public TrackedParameters tracked() {
        return tracked;
    }

    /** One copy of each name and parameter value the clients send. */
    SharedStrings sharedStrings() {
        return sharedStrings;
    }

    public PoolRegistry pools() {
        return pools;
    }

    public StatementCache preparedStatements() {
        return preparedStatements;
    }

    public CancelRegistry cancels() {
        return cancels;
    }

    public AtomicInteger clientCount() {
        return clientCount;
    }

    /** auth_hba_file and auth_ident_file. */
    public AuthRules authRules() {
        return authRules;
    }

    /** Swaps in newly read hba and ident files. */
    public void updateAuthRules(AuthRules rules) {
        this.authRules = rules;
    }

    /** SCRAM verifiers derived from plain auth_file passwords. */
    public PlainScramVerifiers plainVerifiers() {
        return plainVerifiers;
    }

    /** The TLS contexts for clients and servers. */
    public TlsState tls() {
        return tls;
    }

    /** ClientKeys from SCRAM logins, for SCRAM pass-through to servers. */
    public ScramKeyCache scramKeys() {
        return scramKeys;
    }

    public CancelSender cancelSender() {
        return cancelSender;
    }

    public int loopIndex(EventExecutor loop) {
        Integer index = loopIndexes.get(loop);
        if (index == null) {
            throw new IllegalStateException("not one of pgmux's event loops: " + loop);
        }
        return index;
    }

    /** The clients of one loop; use only on that loop. */
    public Set<ClientSession> loopClients(int loopIndex) {
        return loopClients.get(loopIndex);
    }

    public EventLoop[] loops() {
        return loops;
    }

    /** The admin console admin sessions use; set once at start. */
    public AdminConsole adminConsole() {
        return adminConsole;
    }

    public void useAdminConsole(AdminConsole console) {
        this.adminConsole = console;
    }

    /** The names of the databases DISABLE closed; thread-safe. */
    public Set<String> disabledDatabases() {
        return disabledDatabases;
    }

    /** The bound listeners; set once at start, after the admin console. */
    public ListenerControl listeners() {
        return listeners;
    }

    public void useListeners(ListenerControl bound) {
        this.listeners = bound;
    }

    public boolean shuttingDown() {
        return shutdownMode != null;
    }

    /** How pgmux is stopping, or null while it runs. */
    public ShutdownMode shutdownMode() {
        return shutdownMode;
    }

    /** pgmux stops in this mode; IMMEDIATE is final. */
    public void shutdown(ShutdownMode mode) {
        if (shutdownMode != ShutdownMode.IMMEDIATE) {
            shutdownMode = mode;
        }
    }
}
