package io.pgmux.pool;

import io.netty.channel.EventLoop;
import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.session.ClientSession;
import io.pgmux.session.ServerConnection;
import io.pgmux.stats.PoolStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The servers of one database/user pair, shared by every event loop.
 *
 * <p>Correctness in short (see pooler/POOL.md):
 * <ul>
 *   <li>{@code pool_size} is a hard limit: {@link ServerLimits} counts servers open or opening and is only raised
 *       by a CAS that checks the limit first, and lowered once per closed server.</li>
 *   <li>Idle servers live in a {@link LoopPool} per event loop, touched only by that loop, so a server is never
 *       handed out twice.</li>
 *   <li>Waiting clients queue in lock-free FIFOs, one per loop ({@link WaitQueue}); a released server serves its own
 *       loop's oldest waiter, so a transaction runs without a thread hop, unless another loop's has waited much
 *       longer. A waiter is served at most once (CAS).</li>
 *   <li>No lost wakeup: a releaser publishes its idle server (idle count) and then checks the queue; a waiter
 *       publishes itself in the queue and then checks the idle counts. Both are sequentially consistent atomics, so
 *       at least one side sees the other and asks the owning loop to match them.</li>
 * </ul>
 */
public final class Pool {
    /** PgBouncer's reason for closing a server whose settings are out of date. */
    public static final String CONFIGURATION_CHANGED = "database configuration changed";
    /** PgBouncer's reason for closing a server above a lowered pool_size (plus reserve_pool_size). */
    static final String TOO_MANY_SERVERS = "too many servers in the pool";
    /** PgBouncer's reason for closing a server of a paused pool. */
    public static final String PAUSE_MODE = "pause mode";

    private final PoolKey key;
    /** The settings in force and the generation of servers they open; RELOAD, SET and RECONNECT replace it. */
    private final AtomicReference<ServerGeneration> generation;
    private final EventLoop[] loops;
    private final ServerConnector connector;
    private final ServerLimits limits;
    private final Pauses pauses;
    private final LoopPool[] loopPools;
    private final AtomicIntegerArray idleCounts;
    private final AtomicInteger clientCount = new AtomicInteger();
    private final WaitQueue waiters;
    /** Idle servers the janitors of the loops are closing and that are not gone yet (still in the pool count). */
    private final AtomicInteger retiring = new AtomicInteger();
    /** Counters and latencies, one part per loop. */
    private final PoolStats stats;

    /** Startup parameters of the first server that logged in: the base of every client's welcome. */
    private volatile Map<String, String> welcomeParams;
    /** The last login failure and when it happened; cleared by a successful login. */
    private volatile String loginFailure;
    private volatile long loginFailedAtNanos;
    /** What servers log in with: from the config, or the latest auth_query result. */
    private volatile ServerCredentials credentials;
    /** Set when the database or user limit stopped this pool from opening a server for a waiting client. */
    private volatile boolean starvedBySharedLimit;
    /** The pool's database is gone from the config: no server is opened any more. */
    private volatile boolean removed;

    Pool(PoolKey key, PoolSettings settings, EventLoop[] loops, ServerConnector connector, ServerLimits limits,
            Pauses pauses) {
        this.key = key;
        this.generation = new AtomicReference<>(new ServerGeneration(0, settings));
        this.loops = loops;
        this.connector = connector;
        this.limits = limits;
        this.pauses = pauses;
        this.loopPools = new LoopPool[loops.length];
        for (int i = 0; i < loops.length; i++) {
            loopPools[i] = new LoopPool();
        }
        this.idleCounts = new AtomicIntegerArray(loops.length);
        this.waiters = new WaitQueue(loops.length);
        this.credentials = settings.credentials();
        this.stats = new PoolStats(loops.length);
    }

    /** This pool's statistics (SHOW STATS, SHOW LATENCY, /metrics). */
    public PoolStats stats() {
        return stats;
    }

    /** What new servers of this pool log in with. */
    public ServerCredentials credentials() {
        return credentials;
    }

    /** Replaces the login secret for new servers (auth_query found the user's current one). */
    public void useCredentials(ServerCredentials newCredentials) {
        credentials = newCredentials;
    }

    public PoolKey key() {
        return key;
    }

    /** The settings in force; read them anew where they are used, so RELOAD and SET reach running clients. */
    public PoolSettings settings() {
        return generation.get().settings();
    }

    /** The generation new servers belong to; servers of older ones are close-needed. */
    public ServerGeneration generation() {
        return generation.get();
    }

    /** Server parameters for a client's welcome, or null until a server has logged in. */
    public Map<String, String> welcomeParams() {
        return welcomeParams;
    }

    /** Servers open or opening. */
    public int serverCount() {
        return limits.poolCount();
    }

    /** Idle servers over all loops. */
    public int idleCount() {
        int n = 0;
        for (int i = 0; i < idleCounts.length(); i++) {
            n += idleCounts.get(i);
        }
        return n;
    }

    /** A copy of this pool's open servers on one loop; call on that loop. */
    public List<ServerConnection> servers(int loopIndex) {
        return List.copyOf(loopPools[loopIndex].allServers());
    }

    public AtomicInteger clientCount() {
        return clientCount;
    }

    /**
     * Gives the client a server: an idle one of its own loop at once when nobody waits, else the client waits in
     * arrival order and a new server is opened if the limits allow. While the pool is paused the client waits
     * without a server being opened, or is disconnected during SHUTDOWN WAIT_FOR_SERVERS. A client still holding a
     * pool that RELOAD removed gets PgBouncer's "database removed". Runs on the client's loop.
     *
     * @return the waiter entry, or null when a server was handed over at once or the client was failed
     */
    public Waiter checkout(ClientSession client) {
        if (removed) {
            client.failFromPool(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.DATABASE_REMOVED);
            return null;
        }
        int loopIndex = client.loopIndex();
        PoolSettings settings = settings();
        boolean paused = pauses.paused(key.database());
        if (paused && pauses.dropsWaiters()) {
            client.failFromPool(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.SERVER_SHUTTING_DOWN);
            return null;
        }
        if (!paused && waiters.isEmpty()) {
            ServerConnection idle = loopPools[loopIndex].pollIdle(settings.roundRobin());
            if (idle != null) {
                idleCounts.decrementAndGet(loopIndex);
                assign(idle, client);
                return null;
            }
        }
        String failure = paused ? null : recentLoginFailure();
        if (failure != null && limits.poolCount() == 0) {
            client.failFromPool(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.loginFailing(failure));
            return null;
        }
        Waiter waiter = new Waiter(client);
        waiters.offer(waiter);
        // Read again after queueing: a RESUME that ran since the first read may not have seen this waiter.
        if (pauses.paused(key.database())) {
            return waiter;
        }
        openServer(loopIndex, settings.poolSize());
        wakeLoopsWithIdleServers(loopIndex);
        return waiter;
    }

    /**
     * Takes back a server that is clean (not in a transaction, nothing pending): hands it to the longest waiting
     * client, or keeps it idle on its loop. A server that is close-needed, past server_lifetime, or one too many for
     * a lowered pool_size is closed instead. Runs on the server's loop.
     */
    public void release(ServerConnection server) {
        PoolSettings settings = settings();
        if (server.closeNeeded()) {
            server.close(CONFIGURATION_CHANGED);
            return;
        }
        if (expired(server.ageNanos(), settings.serverLifetime().toNanos())) {
            server.close("server lifetime over");
            return;
        }
        if (pauses.paused(key.database())) {
            server.close(PAUSE_MODE);
            return;
        }
        int loopIndex = server.loopIndex();
        if (mayRetire(serverCap(settings))) {
            loopPools[loopIndex].retiring(server);
            server.close(TOO_MANY_SERVERS);
            return;
        }
        Waiter waiter = waiters.pollFor(loopIndex);
        if (waiter != null) {
            assign(server, waiter.client());
            return;
        }
        server.markIdle();
        loopPools[loopIndex].pushIdle(server);
        idleCounts.incrementAndGet(loopIndex);
        if (!waiters.isEmpty()) {
            matchWaiters(loopIndex);
        }
    }

    /** A server logged in: remember its parameters for welcomes and forget earlier failures. */
    public void onServerLogin(ServerConnection server) {
        loopPools[server.loopIndex()].opened(server);
        if (welcomeParams == null) {
            welcomeParams = Map.copyOf(server.parameters());
        }
        loginFailure = null;
    }

    /**
     * A server could not log in. Waiting clients get the server's error when no server of this pool works, as
     * PgBouncer does; new clients fail fast until server_login_retry has passed.
     */
    public void onServerLoginFailed(String sqlState, String message) {
        loginFailure = message;
        loginFailedAtNanos = System.nanoTime();
        if (limits.poolCount() <= 1) {
            failWaiters(sqlState, message);
        }
    }

    /** A server connection is gone (closed by either side or never connected). Runs on the server's loop. */
    public void onServerClosed(ServerConnection server) {
        int loopIndex = server.loopIndex();
        if (loopPools[loopIndex].closed(server)) {
            idleCounts.decrementAndGet(loopIndex);
        }
        limits.release();
        if (loopPools[loopIndex].retired(server)) {
            retiring.decrementAndGet();
        }
        boolean paused = pauses.paused(key.database());
        if (paused || server.closeNeeded()) {
            pauses.serverGone();
        }
        if (!paused && !waiters.isEmpty() && recentLoginFailure() == null) {
            openServer(loopIndex, settings().poolSize());
        }
    }

    // ---- maintenance (the janitor, once a second) ----

    /**
     * Pool-wide upkeep, run by one janitor: clients waiting past query_wait_timeout are failed (paused or not, as
     * in PgBouncer), the reserve pool opens for clients waiting past reserve_pool_timeout, min_pool_size is kept,
     * and a failed login is retried once server_login_retry has passed. A paused pool opens nothing.
     */
    public void maintain(long nowNanos) {
        PoolSettings settings = settings();
        long waitTimeout = settings.queryWaitTimeout().toNanos();
        boolean shuttingDown = pauses.dropsWaiters();
        long oldestWait = 0;
        for (Waiter waiter : waiters) {
            long waited = nowNanos - waiter.sinceNanos();
            if ((shuttingDown || expired(waited, waitTimeout)) && waiter.cancel()) {
                waiters.remove(waiter);
                ClientSession client = waiter.client();
                String reason = shuttingDown ? PgBouncerErrors.SERVER_SHUTTING_DOWN
                        : PgBouncerErrors.QUERY_WAIT_TIMEOUT;
                client.loop().execute(() -> client.failFromPool(PgBouncerErrors.PROTOCOL_VIOLATION, reason));
            } else {
                oldestWait = Math.max(oldestWait, waited);
            }
        }
        if (recentLoginFailure() != null || pauses.paused(key.database())) {
            return;
        }
        if (!waiters.isEmpty()) {
            int limit = settings.poolSize();
            if (settings.reservePoolSize() > 0 && expired(oldestWait, settings.reservePoolTimeout().toNanos())) {
                limit += settings.reservePoolSize();
            }
            openServer(0, limit);
        }
        keepMinPoolSize(settings);
    }

    /**
     * Opens servers up to min_pool_size, which pool_size caps, while the pool has clients or a forced user, as
     * PgBouncer does.
     */
    private void keepMinPoolSize(PoolSettings settings) {
        int minPoolSize = Math.min(settings.minPoolSize(), settings.poolSize());
        if (clientCount.get() == 0 && settings.database().user() == null) {
            return;
        }
        while (limits.poolCount() < minPoolSize) {
            if (!openServer(Math.floorMod(limits.poolCount(), loops.length), minPoolSize)) {
                break;
            }
        }
    }

    /** True when waiting clients could not get a server because of max_db_connections or max_user_connections. */
    public boolean starvedBySharedLimit() {
        return starvedBySharedLimit && !waiters.isEmpty();
    }

    /**
     * Per-loop upkeep of idle servers: those of a paused pool, close-needed, past server_lifetime, above a lowered
     * pool_size (plus reserve_pool_size) or idle past server_idle_timeout (keeping min_pool_size) are closed. Runs on
     * loop {@code loopIndex}.
     */
    public void maintainIdle(int loopIndex, long nowNanos) {
        LoopPool loopPool = loopPools[loopIndex];
        if (loopPool.isEmpty()) {
            return;
        }
        PoolSettings settings = settings();
        boolean paused = pauses.paused(key.database());
        Map<ServerConnection, String> closing = null;
        for (ServerConnection server : loopPool.idleServers()) {
            String reason = idleCloseReason(server, settings, paused, nowNanos);
            if (reason != null) {
                if (closing == null) {
                    closing = new LinkedHashMap<>();
                }
                closing.put(server, reason);
            }
        }
        if (closing != null) {
            closing.forEach((server, reason) -> {
                // Off the idle list first: a closing server must not be handed to a client.
                if (loopPool.closed(server)) {
                    idleCounts.decrementAndGet(loopIndex);
                }
                loopPool.retiring(server);
                server.close(reason);
            });
        }
    }

    /** Why the janitor closes this idle server (counted as retiring), or null to keep it. */
    private String idleCloseReason(ServerConnection server, PoolSettings settings, boolean paused, long nowNanos) {
        String reason = server.closeNeeded() ? CONFIGURATION_CHANGED
                : expired(server.ageNanos(), settings.serverLifetime().toNanos()) ? "server lifetime over"
                : paused ? PAUSE_MODE : null;
        if (reason != null) {
            retiring.incrementAndGet();
            return reason;
        }
        if (mayRetire(serverCap(settings))) {
            return TOO_MANY_SERVERS;
        }
        boolean idleTooLong = expired(nowNanos - server.lastUsedNanos(), settings.serverIdleTimeout().toNanos());
        return idleTooLong && mayRetire(settings.minPoolSize()) ? "server idle timeout" : null;
    }

    /**
     * RECONNECT: every server open now is closed once its client releases it (idle ones at the next janitor run, one
     * still logging in when its login is done), so that new ones use the current settings. With server_fast_close a
     * session's server goes at the end of its transaction.
     */
    public void reconnect() {
        generation.updateAndGet(g -> g.next(g.settings()));
    }

    /**
     * RELOAD or SET: these settings are in force from now on, for the clients and servers already here too. With
     * {@code newServers} (the server address, login or startup values changed) every server open now is close-needed,
     * as after RECONNECT. Waiting clients get servers at once if the new limits allow more; servers above a lowered
     * pool_size close as they are released or by the janitor. Runs on any thread.
     */
    public void reconfigure(PoolSettings next, boolean newServers) {
        ServerGeneration previous = generation.getAndUpdate(g -> newServers ? g.next(next) : g.with(next));
        if (!next.credentials().equals(previous.settings().credentials())) {
            credentials = next.credentials();
        }
        if (!waiters.isEmpty() && recentLoginFailure() == null) {
            openForWaiters(next);
        }
    }

    /**
     * The pool's database is gone from the config (RELOAD): no server is opened any more, waiting clients get
     * PgBouncer's "database removed", idle servers are closed, and the others close when released. The clients
     * holding servers are dropped by their sessions, which close those servers.
     */
    public void remove() {
        removed = true;
        generation.updateAndGet(g -> g.next(g.settings()));
        failWaiters(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.DATABASE_REMOVED);
        closeIdleServers(PgBouncerErrors.DATABASE_REMOVED);
    }

    /** Opens servers for the clients waiting now, up to the limits in force; spare ones stay idle. */
    private void openForWaiters(PoolSettings settings) {
        int waiting = waiters.size();
        int opened = 0;
        while (opened < waiting && openServer(opened % loops.length, settings.poolSize())) {
            opened++;
        }
    }

    /** The most servers a pool keeps: pool_size plus reserve_pool_size, as PgBouncer's janitor counts. */
    private static int serverCap(PoolSettings settings) {
        return settings.poolSize() + settings.reservePoolSize();
    }

    /**
     * Counts one more server as retiring if the servers not retiring yet are more than {@code keep}. The loops
     * decide at the same time, each for its own servers: without this count two of them could each see room for
     * one more close and go below {@code keep} together.
     */
    private boolean mayRetire(int keep) {
        int n;
        do {
            n = retiring.get();
            if (limits.poolCount() - n <= keep) {
                return false;
            }
        } while (!retiring.compareAndSet(n, n + 1));
        return true;
    }

    /** A loop that holds an idle server of this pool, or -1. */
    public int loopWithIdleServer() {
        for (int i = 0; i < idleCounts.length(); i++) {
            if (idleCounts.get(i) > 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Closes one idle server on this loop so that another pool of the same database or user may open one.
     * Runs on loop {@code loopIndex}; returns whether one was closed.
     */
    public boolean evictIdle(int loopIndex) {
        LoopPool loopPool = loopPools[loopIndex];
        if (loopPool.isEmpty()) {
            return false;
        }
        ServerConnection server = loopPool.pollIdle(settings().roundRobin());
        idleCounts.decrementAndGet(loopIndex);
        loopPool.closed(server);
        server.close("evicted for another pool");
        return true;
    }

    /** Closes every idle server (PAUSE, shutdown, a database removed). Runs tasks on each loop. */
    public void closeIdleServers(String reason) {
        for (int i = 0; i < loops.length; i++) {
            int loopIndex = i;
            loops[i].execute(() -> closeServers(loopIndex, false, reason));
        }
    }

    /**
     * Closes this loop's idle servers, or with {@code all} every logged-in server of this loop, linked or not
     * (KILL). Runs on loop {@code loopIndex}.
     */
    public void closeServers(int loopIndex, boolean all, String reason) {
        LoopPool loopPool = loopPools[loopIndex];
        for (ServerConnection s : new ArrayList<>(all ? loopPool.allServers() : loopPool.idleServers())) {
            if (loopPool.closed(s)) {
                idleCounts.decrementAndGet(loopIndex);
            }
            s.close(reason);
        }
    }

    /** Servers of this loop marked close_needed (WAIT_CLOSE). Runs on loop {@code loopIndex}. */
    public int closeNeededCount(int loopIndex) {
        int n = 0;
        for (ServerConnection s : loopPools[loopIndex].allServers()) {
            if (s.closeNeeded()) {
                n++;
            }
        }
        return n;
    }

    /**
     * RESUME: clients that waited while the pool was paused get servers, one opened per waiting client as each
     * would have asked at checkout, within the limits.
     */
    public void resume() {
        if (pauses.paused(key.database()) || waiters.isEmpty()) {
            return;
        }
        for (Waiter waiter : waiters) {
            if (waiter.waiting() && !openServer(waiter.client().loopIndex(), settings().poolSize())) {
                break;
            }
        }
        wakeLoopsWithIdleServers(-1);
    }

    /** Disconnects every waiting client with this reason (SHUTDOWN WAIT_FOR_SERVERS). */
    public void dropWaiters(String reason) {
        failWaiters(PgBouncerErrors.PROTOCOL_VIOLATION, reason);
    }

    private static boolean expired(long elapsedNanos, long timeoutNanos) {
        return timeoutNanos > 0 && elapsedNanos > timeoutNanos;
    }

    private String recentLoginFailure() {
        String failure = loginFailure;
        if (failure != null
                && System.nanoTime() - loginFailedAtNanos < settings().loginRetry().toNanos()) {
            return failure;
        }
        return null;
    }

    private void failWaiters(String sqlState, String message) {
        Waiter waiter;
        while ((waiter = waiters.pollAny()) != null) {
            ClientSession client = waiter.client();
            client.loop().execute(() -> client.failFromPool(sqlState, message));
        }
    }

    /**
     * Opens a server on the given loop if the limits in force allow one more below {@code poolLimit} and the pool is not
     * paused. The pause is read after the count was raised: a PAUSE sets its flag before it reads the counts, so
     * either it sees this server and waits for it, or this sees the pause and gives the slot back.
     */
    private boolean openServer(int loopIndex, int poolLimit) {
        if (removed) {
            return false;
        }
        ServerGeneration current = generation.get();
        PoolSettings settings = current.settings();
        ServerLimits.Outcome outcome = limits.tryAcquire(poolLimit, settings.maxDbConnections(),
                settings.maxUserConnections());
        starvedBySharedLimit = outcome == ServerLimits.Outcome.SHARED_LIMIT;
        if (outcome != ServerLimits.Outcome.ACQUIRED) {
            return false;
        }
        if (pauses.paused(key.database())) {
            limits.release();
            pauses.serverGone();
            return false;
        }
        connector.open(this, current, loopIndex);
        return true;
    }

    /** Asks each loop with idle servers to match them with waiters; {@code currentLoop} does it at once (-1: none). */
    private void wakeLoopsWithIdleServers(int currentLoop) {
        for (int i = 0; i < loops.length; i++) {
            if (idleCounts.get(i) > 0) {
                if (i == currentLoop) {
                    matchWaiters(i);
                } else {
                    int loopIndex = i;
                    loops[i].execute(() -> matchWaiters(loopIndex));
                }
            }
        }
    }

    /** Hands this loop's idle servers to waiting clients, oldest first. Runs on loop {@code loopIndex}. */
    private void matchWaiters(int loopIndex) {
        LoopPool loopPool = loopPools[loopIndex];
        while (!loopPool.isEmpty() && !pauses.paused(key.database())) {
            Waiter waiter = waiters.pollFor(loopIndex);
            if (waiter == null) {
                return;
            }
            ServerConnection server = loopPool.pollIdle(settings().roundRobin());
            idleCounts.decrementAndGet(loopIndex);
            assign(server, waiter.client());
        }
    }


    /** Links a server to a client; the client is told on its own loop. Runs on the server's loop. */
    private void assign(ServerConnection server, ClientSession client) {
        server.linkTo(client);
        if (client.loop().inEventLoop()) {
            client.onServerAssigned(server);
        } else {
            client.loop().execute(() -> client.onServerAssigned(server));
        }
    }
}
