package io.pgmux.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.admin.control.ShutdownMode;
import io.pgmux.admin.view.ConnectionSnapshot;
import io.pgmux.config.AuthType;
import io.pgmux.config.ConnectionKind;
import io.pgmux.config.HbaMethod;
import io.pgmux.config.HbaRule;
import io.pgmux.config.HbaRules;
import io.pgmux.config.DatabaseEntry;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.Setting;
import io.pgmux.config.Settings;
import io.pgmux.config.PoolMode;
import io.pgmux.config.Secret;
import io.pgmux.log.ConnectionLog;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolSettings;
import io.pgmux.pool.Waiter;
import io.pgmux.prepared.FrontendRewriter;
import io.pgmux.prepared.ResponseSink;
import io.pgmux.protocol.ClientLoginDecoder;
import io.pgmux.protocol.LoginMessage;
import io.pgmux.protocol.MessageScanner;
import io.pgmux.protocol.MessageType;
import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.protocol.PgMessages;
import io.pgmux.protocol.ProtocolException;
import io.pgmux.protocol.StartupPacket;
import io.pgmux.protocol.TypedFrameDecoder;
import io.pgmux.stats.LoopStats;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection: its login (startup packet, authentication, welcome), then the client-to-server half of
 * the relay, holding a server for the pool mode's duration. Confined to the client's event loop; fields need no
 * synchronization except {@link #server}, which a cancel request reads from another loop.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter
        implements MessageScanner.Listener, ResponseSink {
    private static final Logger LOG = Logger.getLogger(ClientSession.class.getName());
    /** PgBouncer's log_disconnections reason for a client that sent Terminate. */
    private static final String CLOSE_REQUEST = "client close request";
    /**
     * What a client may send while it waits for a server before pgmux stops reading it. Most send one query and wait
     * for its answer, so a waiting client keeps reading: stopping and restarting cost two system calls (epoll) or a
     * cancelled read (io_uring) per transaction whenever servers are all busy.
     */
    private static final int PENDING_READ_LIMIT = 64 * 1024;

    private final Engine engine;
    private final MessageScanner scanner = new MessageScanner(this);
    /** Client bytes read while no server was ready for them, in order; made at the first wait (idle clients never). */
    private ArrayDeque<ByteBuf> pending;
    /** Bytes in {@link #pending}: past {@link #PENDING_READ_LIMIT} the client stops being read. */
    private int pendingBytes;
    /** Values of the tracked parameters as this client believes them to be. */
    private final ClientParameters parameters = new ClientParameters();

    private Channel channel;
    private int loopIndex;
    private ClientState state = ClientState.LOGIN;
    private ClientAuth auth;
    private String user;
    private String databaseName;
    private DatabaseEntry database;
    private Pool pool;
    private Waiter waiter;
    private volatile ServerConnection server;
    private boolean serverReady;
    private long cancelKey;
    private boolean counted;
    private final long id = ConnectionIds.next();
    private final Instant connectTime = Instant.now();
    /** The client asked for the admin database. */
    private boolean adminLogin;
    /** The OS user pgmux runs as, logged in as user pgbouncer over the Unix socket: an admin without password. */
    private boolean unixAdmin;
    /** This client takes one of max_client_conn's places (engine count) and one in its pool's client count. */
    private boolean holdsClientSlot;
    private boolean holdsPoolSlot;
    private ScheduledFuture<?> loginTimeout;
    /** The auth_query to run on the next server assigned (login of a user missing from auth_file). */
    private String authQuery;
    /** The secret auth_query returned for this user, or null. */
    private Secret queriedSecret;

    /** Requests that each get one ReadyForQuery (Query, Sync, FunctionCall) sent on the current server. */
    private long requestsSent;
    /** The server's ReadyForQuery count when it was linked. */
    private long serverReadyBaseline;
    /** Extended-protocol messages sent after the last Sync: the server is mid-sequence. */
    private boolean unsynced;
    private boolean terminating;
    /** When the oldest unanswered request was sent (query_timeout). */
    private long requestStartNanos;
    /** Last data from the client or end of a request (client_idle_timeout, idle_transaction_timeout). */
    private long lastActivityNanos = System.nanoTime();
    /**
     * When the first request since the server was last idle (ReadyForQuery {@code I}) was sent, 0 while it is idle:
     * the start of the transaction, explicit or not, as PgBouncer counts it for transaction_timeout.
     */
    private long transactionStartNanos;
    /** This client's pool's statistics on this client's loop; set at login. */
    private LoopStats stats;
    /**
     * When the query in flight began (PgBouncer's query_start), 0 when none: the client's first data after its last
     * request was answered, so a client that has to wait for a server waits within its query.
     */
    private long queryStartNanos;
    /** When the open transaction's first query began (PgBouncer's xact_start), 0 when none is open. */
    private long xactStartNanos;
    /** How long this client waited for the server it is being given; counted when the two are linked. */
    private long waitedNanos;
    /** Why this client is closing has been logged (or needs no line): channelInactive adds none. */
    private boolean closeLogged;
    /** The client sent a message type that is not allowed after login. */
    private boolean unknownPacket;
    /** The client was sent its FATAL error and is being closed; nothing it sends is processed any more. */
    private boolean failed;
    private boolean dirtyToServer;
    private boolean dirtyToClient;
    /** Named prepared statements in transaction and statement pooling, from the first link; null in session pooling. */
    private FrontendRewriter prepared;

    /** OS user id of the peer on a Unix socket, -1 for TCP or when unknown (the admin console uses it). */
    private final int peerUid;

    /** Connected over TCP (TLS applies), not the Unix socket. */
    private final boolean tcp;
    /** The connection is encrypted (after SSLRequest, or direct TLS). */
    private boolean tls;

    public ClientSession(Engine engine, int peerUid, boolean tcp) {
        this.engine = engine;
        this.peerUid = peerUid;
        this.tcp = tcp;
    }

    /** The client opened with a TLS handshake instead of SSLRequest. */
    public void onDirectTls() {
        tls = true;
    }

    /** True when the client's connection is encrypted. */
    public boolean tls() {
        return tls;
    }

    /** The id SHOW CLIENTS prints and KILL_CLIENT takes. */
    public long id() {
        return id;
    }

    /**
     * This client as SHOW CLIENTS shows it, or null once closed; call on its loop.
     *
     * @param adminDatabase the name shown for admin console clients
     */
    ConnectionSnapshot<io.pgmux.admin.view.ClientState> snapshot(String adminDatabase) {
        if (state == ClientState.CLOSED) {
            return null;
        }
        ServerConnection s = server;
        io.pgmux.admin.view.ClientState shown = switch (state) {
            case LOGIN, WAIT_WELCOME -> io.pgmux.admin.view.ClientState.LOGIN;
            case WAITING -> io.pgmux.admin.view.ClientState.WAITING;
            default -> s != null ? io.pgmux.admin.view.ClientState.ACTIVE : io.pgmux.admin.view.ClientState.IDLE;
        };
        long waitUs = queryStartNanos != 0 ? (System.nanoTime() - queryStartNanos) / 1000 : 0;
        return Snapshots.of(shown, id, user, adminLogin ? adminDatabase : databaseName, channel, connectTime,
                lastActivityNanos, waitUs, false, s == null ? null : s.id(), 0, tls, parameters.get("application_name"),
                prepared == null ? 0 : prepared.count());
    }

    /**
     * Drops this client and its server, telling the client why (KILL_CLIENT, KILL, a database removed by RELOAD); a
     * statement still running is cancelled first. Call on its loop.
     */
    void kill(String reason) {
        ServerConnection s = server;
        dropWithServer(reason,
                s != null && serverReady && s.readyForQueryCount() - serverReadyBaseline < requestsSent);
    }

    /** True for an admin console client (logged in or logging in); the pool is null for these. */
    boolean admin() {
        return adminLogin;
    }

    /** The pool this client was given after its login, or null before (and for admin console clients). */
    Pool pool() {
        return pool;
    }

    public int peerUid() {
        return peerUid;
    }

    /** The client's connection. */
    Channel channel() {
        return channel;
    }

    public EventLoop loop() {
        return channel.eventLoop();
    }

    public int loopIndex() {
        return loopIndex;
    }

    public ClientState state() {
        return state;
    }

    // ---- Netty events ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        loopIndex = engine.loopIndex(channel.eventLoop());
        engine.loopClients(loopIndex).add(this);
        // A closed socket frees its max_client_conn place at once: channelInactive is a task that, with io_uring
        // under a burst of connections, may run a second later, and the place would refuse new clients meanwhile.
        channel.closeFuture().addListener(f -> releaseSlots());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long timeout = engine.config().settings().duration(Setting.CLIENT_LOGIN_TIMEOUT).toNanos();
        if (timeout > 0) {
            loginTimeout = ctx.executor().schedule(() -> {
                if (state == ClientState.LOGIN) {
                    fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.CLIENT_LOGIN_TIMEOUT);
                } else if (state == ClientState.WAIT_WELCOME) {
                    fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.CLIENT_LOGIN_TIMEOUT_SERVER_DOWN);
                }
            }, timeout, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            // Refused and closing: what the client pipelined behind the refused message is not looked at.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof StartupPacket packet) {
            onStartupPacket(packet);
        } else if (msg instanceof LoginMessage message) {
            try {
                onLoginMessage(message);
            } finally {
                message.release();
            }
        } else {
            onData((ByteBuf) msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (dirtyToServer) {
            dirtyToServer = false;
            ServerConnection s = server;
            if (s != null) {
                s.channel().flush();
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ServerConnection s = server;
        if (s != null && channel.isWritable()) {
            s.channel().config().setAutoRead(true);
        }
    }

    /** An admin console client said goodbye with Terminate. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == AdminSession.CLOSE_REQUESTED) {
            logClosing(CLOSE_REQUEST);
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ClientState previous = state;
        state = ClientState.CLOSED;
        engine.loopClients(loopIndex).remove(this);
        if (loginTimeout != null) {
            loginTimeout.cancel(false);
        }
        if (cancelKey != 0) {
            engine.cancels().unregister(cancelKey);
        }
        releaseSlots();
        if (waiter != null) {
            waiter.cancel();
            waiter = null;
        }
        releasePending();
        if (prepared != null) {
            prepared.release();
        }
        ServerConnection s = server;
        if (s != null) {
            server = null;
            s.unlink(serverReady && isServerClean(s));
        }
        if (!closeLogged && previous != ClientState.LOGIN) {
            // As PgBouncer, a client gone during its login (psql asking for a password, a probe) gets no line.
            engine.connectionLog().closing(logPrefix(), "client unexpected eof", ageNanos());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolException) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, root.getMessage());
        } else {
            // A peer resetting its socket is routine; anything else is a bug worth seeing in the log.
            LOG.log(root instanceof java.io.IOException ? Level.FINE : Level.WARNING,
                    logPrefix() + " connection error", root);
            ctx.close();
        }
    }

    // ---- startup and login ----

    private void onStartupPacket(StartupPacket packet) {
        // counted: a StartupMessage was already taken (PgBouncer refuses a second one during login too).
        if (state != ClientState.LOGIN || (counted && packet instanceof StartupPacket.StartupMessage)) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.RESENT_STARTUP);
            return;
        }
        if (packet instanceof StartupPacket.StartupMessage startup) {
            onStartupMessage(startup);
        } else if (packet instanceof StartupPacket.CancelRequest cancel) {
            onCancelRequest(cancel);
        } else if (packet instanceof StartupPacket.SslRequest && tcp && !tls && engine.tls().clientTls().enabled()) {
            // 'S' leaves in plain text; the handshake comes next, so TLS goes first in the pipeline.
            channel.writeAndFlush(channel.alloc().buffer(1).writeByte('S'), channel.voidPromise());
            channel.pipeline().addFirst("tls", engine.tls().clientTls().context().newHandler(channel.alloc()));
            tls = true;
        } else {
            // GSSENCRequest, or SSLRequest with TLS off: the client goes on in plain text.
            channel.writeAndFlush(channel.alloc().buffer(1).writeByte('N'), channel.voidPromise());
        }
    }

    private void onCancelRequest(StartupPacket.CancelRequest cancel) {
        ClientSession target = engine.cancels().find(cancel.processId(), cancel.secretKey());
        ServerConnection s = target != null ? target.server : null;
        if (s != null) {
            sendCancel(s);
        }
        channel.close();
    }

    /** Sends PostgreSQL a CancelRequest for what the server runs now, on a connection of its own. */
    private void sendCancel(ServerConnection s) {
        SocketAddress address = s.channel().remoteAddress();
        engine.cancelSender().send(address, channel.eventLoop(), s.backendPid(), s.backendKey(),
                engine.config().settings().duration(Setting.CANCEL_WAIT_TIMEOUT));
    }

    private void onStartupMessage(StartupPacket.StartupMessage startup) {
        counted = true;
        if (!readStartupParameters(startup)) {
            return;
        }
        adminLogin = AdminConsole.isAdminDatabase(databaseName);
        // PgBouncer does not count admin console clients against max_client_conn.
        int maxClients = engine.config().settings().integer(Setting.MAX_CLIENT_CONN);
        if (!adminLogin) {
            holdsClientSlot = true;
            if (engine.clientCount().incrementAndGet() > maxClients) {
                fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.MAX_CLIENT_CONN);
                return;
            }
        }
        if (tcp && !tls && engine.tls().clientTls().mode().required()) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.SSL_REQUIRED);
            return;
        }
        if (engine.shutdownMode() == ShutdownMode.IMMEDIATE) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.SHUTTING_DOWN);
            return;
        }
        PgBouncerConfig config = engine.config();
        engine.connectionLog().loginAttempt(logPrefix(), databaseName, user, TlsDescription.of(channel));
        if (adminLogin) {
            startAdminAuth();
            return;
        }
        database = config.database(databaseName).orElse(null);
        Secret secret = engine.authFile().get(user);
        String authUser = secret == null && database != null ? authUser(config) : null;
        if (authUser != null) {
            startAuthQuery(config, authUser);
        } else {
            startAuth(secret);
        }
    }

    /** The admin database: user pgbouncer over the Unix socket as pgmux's own OS user needs no password. */
    private void startAdminAuth() {
        if (!tcp && peerUid >= 0 && peerUid == OsUsers.currentUid() && AdminConsole.UNIX_ADMIN_USER.equals(user)) {
            engine.connectionLog().unixAdminAccess(logPrefix());
            unixAdmin = true;
            onAuthenticated();
            return;
        }
        startAuth(engine.authFile().get(user));
    }

    private void startAuth(Secret secret) {
        AuthType configured = engine.config().settings().authType();
        if (configured == AuthType.ANY && database != null && database.user() == null) {
            LOG.warning("auth_type=any requires forced user");
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.CONFIG_ERROR);
            return;
        }
        AuthType method = configured;
        String identMap = null;
        if (configured == AuthType.HBA) {
            HbaRule rule = matchHbaRule();
            if (rule == null || rule.method() == HbaMethod.REJECT) {
                fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.LOGIN_REJECTED);
                return;
            }
            identMap = rule.options().map().orElse(null);
            if (rule.method() == HbaMethod.PEER) {
                loginAsUnixPeer(identMap);
                return;
            }
            method = switch (rule.method()) {
                case TRUST -> AuthType.TRUST;
                case MD5 -> AuthType.MD5;
                case PASSWORD -> AuthType.PLAIN;
                case SCRAM_SHA_256 -> AuthType.SCRAM_SHA_256;
                case CERT -> AuthType.CERT;
                default -> AuthType.LDAP;
            };
        }
        auth = new ClientAuth(method, user, secret, engine.plainVerifiers(), certificateAllows(identMap));
        continueLogin(auth.start(channel));
    }

    /** The first auth_hba_file rule for this connection, or null (which rejects it). */
    private HbaRule matchHbaRule() {
        HbaRules rules = engine.authRules().hba();
        if (rules == null) {
            return null;
        }
        InetAddress address = tcp && channel.remoteAddress() instanceof InetSocketAddress inet
                ? inet.getAddress() : null;
        return rules.match(tcp ? ConnectionKind.HOST : ConnectionKind.LOCAL, address, tls, databaseName, user,
                false);
    }

    /** hba method {@code peer}: the Unix socket peer's OS user must be the user, or be mapped to it. */
    private void loginAsUnixPeer(String identMap) {
        String osUser = tcp ? null : OsUsers.nameOf(peerUid);
        boolean allowed = osUser != null && (identMap == null ? osUser.equals(user)
                : engine.authRules().ident().allows(identMap, osUser, user));
        if (!allowed) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.PEER_REJECTED);
            return;
        }
        onAuthenticated();
    }

    /** For {@code cert}: the verified certificate's CommonName is the user, or is mapped to it. */
    private boolean certificateAllows(String identMap) {
        String name = ClientCertificates.commonName(channel);
        if (name == null) {
            return false;
        }
        return identMap == null ? name.equals(user) : engine.authRules().ident().allows(identMap, name, user);
    }

    /** The auth_user that looks up users missing from auth_file: the database's, else the global one. */
    private String authUser(PgBouncerConfig config) {
        String authUser = database.authUser() != null ? database.authUser()
                : config.settings().string(Setting.AUTH_USER);
        AuthType method = config.settings().authType();
        boolean needsSecret = method != AuthType.TRUST && method != AuthType.ANY && method != AuthType.CERT;
        return authUser != null && !authUser.isBlank() && needsSecret ? authUser : null;
    }

    /**
     * Looks the user's secret up with auth_query on a server of the auth_user's pool (in auth_dbname). The user
     * name is bound as a parameter; the client's startup parameters are not applied to that server.
     */
    private void startAuthQuery(PgBouncerConfig config, String authUser) {
        String dbName = database.authDbname() != null ? database.authDbname()
                : blankToNull(config.settings().string(Setting.AUTH_DBNAME));
        DatabaseEntry authDatabase = dbName == null ? database : config.database(dbName).orElse(null);
        Pool authPool = authDatabase == null ? null : engine.pools().poolFor(authDatabase.name(), authUser, null);
        if (authPool == null) {
            LOG.warning("authentication database \"" + (dbName != null ? dbName : databaseName)
                    + "\" is not configured");
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.CONFIG_ERROR);
            return;
        }
        authQuery = database.authQuery() != null ? database.authQuery()
                : config.settings().string(Setting.AUTH_QUERY);
        channel.config().setAutoRead(false);
        Waiter w = authPool.checkout(this);
        if (authQuery != null && state != ClientState.CLOSED) {
            waiter = w;
        }
    }

    private void onAuthQueryDone(ServerConnection s) {
        String error = s.internalQueryError();
        List<String> row = s.internalRow();
        s.unlink(true);
        if (state == ClientState.CLOSED) {
            return;
        }
        channel.config().setAutoRead(true);
        if (error != null) {
            LOG.warning(logPrefix() + " auth_query failed: " + error);
        }
        // No row, a NULL secret (expired or NOLOGIN under the default query) or an error: the same exchange as
        // for any unknown user, failing like a wrong password.
        queriedSecret = error == null && row != null && row.size() >= 2 && row.get(1) != null
                ? Secret.parse(row.get(1)) : null;
        startAuth(queriedSecret);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Reads user, database and tracked parameters; refuses unknown ones as PgBouncer does. */
    private boolean readStartupParameters(StartupPacket.StartupMessage startup) {
        TrackedParameters tracked = engine.tracked();
        List<String> ignored = engine.config().settings().list(Setting.IGNORE_STARTUP_PARAMETERS);
        List<String> unknownProtocolOptions = new ArrayList<>();
        for (Map.Entry<String, String> p : startup.parameters().entrySet()) {
            String name = p.getKey();
            String value = p.getValue();
            String canonical = tracked.canonicalName(name);
            if (name.equals("user")) {
                user = engine.sharedStrings().share(value);
            } else if (name.equals("database")) {
                databaseName = engine.sharedStrings().share(value);
            } else if (name.startsWith("_pq_.")) {
                unknownProtocolOptions.add(name);
            } else if (name.equals("options")) {
                if (!readStartupOptions(value, tracked, ignored)) {
                    return false;
                }
            } else if (canonical != null) {
                parameters.put(canonical, engine.sharedStrings().share(value));
            } else if (!name.equals("replication") && !ignored.contains(name)) {
                fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.unsupportedStartupParameter(name));
                return false;
            }
        }
        if (user == null || user.isEmpty()) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.NO_USERNAME);
            return false;
        }
        if (user.getBytes(StandardCharsets.UTF_8).length >= PgBouncerErrors.MAX_USERNAME) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.USERNAME_TOO_LONG);
            return false;
        }
        if (databaseName == null || databaseName.isEmpty()) {
            databaseName = user;
        }
        if (startup.minorVersion() > 0 || !unknownProtocolOptions.isEmpty()) {
            ByteBuf out = channel.alloc().buffer(64);
            PgMessages.negotiateProtocolVersion(out, 0, unknownProtocolOptions);
            channel.write(out, channel.voidPromise());
        }
        return true;
    }

    /**
     * Reads the {@code options} startup parameter as PgBouncer does: only {@code -c name=value} and
     * {@code --name=value}, backslash escaping the next character; tracked parameters are taken, the others refused
     * unless ignore_startup_parameters lists them or {@code options}.
     */
    private boolean readStartupOptions(String options, TrackedParameters tracked, List<String> ignored) {
        int pos = 0;
        int end = options.length();
        while (true) {
            while (pos < end && Character.isWhitespace(options.charAt(pos))) {
                pos++;
            }
            if (pos == end) {
                return true;
            }
            if (options.startsWith("-c", pos)) {
                pos += 2;
                while (pos < end && Character.isWhitespace(options.charAt(pos))) {
                    pos++;
                }
            } else if (options.startsWith("--", pos)) {
                pos += 2;
            } else {
                fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.UNSUPPORTED_OPTIONS);
                return false;
            }
            StringBuilder arg = new StringBuilder();
            while (pos < end && !Character.isWhitespace(options.charAt(pos))) {
                char c = options.charAt(pos++);
                if (c == '\\') {
                    if (pos == end) {
                        break;
                    }
                    c = options.charAt(pos++);
                }
                arg.append(c);
            }
            int equals = arg.indexOf("=");
            if (equals < 0) {
                fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.UNSUPPORTED_OPTIONS);
                return false;
            }
            String name = arg.substring(0, equals);
            String canonical = tracked.canonicalName(name);
            if (canonical != null) {
                parameters.put(canonical, arg.substring(equals + 1));
            } else if (!ignored.contains(name) && !ignored.contains("options")) {
                fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.unsupportedStartupOption(name));
                return false;
            }
        }
    }

    private void onLoginMessage(LoginMessage message) {
        if (state != ClientState.LOGIN || auth == null) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, state == ClientState.LOGIN
                    ? PgBouncerErrors.PASSWORD_BEFORE_STARTUP : PgBouncerErrors.UNKNOWN_PACKET);
            return;
        }
        continueLogin(auth.onMessage(channel, message));
    }

    private void continueLogin(ClientAuth.Step step) {
        switch (step) {
            case CONTINUE -> {
            }
            case FAILED -> fail(PgBouncerErrors.PROTOCOL_VIOLATION, auth.failure());
            case OK -> onAuthenticated();
        }
    }

    private void onAuthenticated() {
        if (auth != null && auth.scramClientKey() != null) {
            engine.scramKeys().put(user, auth.scramClientKey());
        }
        auth = null;
        if (adminLogin) {
            onAdminAuthenticated();
            return;
        }
        if (database == null) {
            engine.connectionLog().loginFailed(logPrefix(), databaseName, user);
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.noSuchDatabase(databaseName));
            return;
        }
        // As PgBouncer's finish_client_login: only an authenticated client learns that the database is disabled.
        if (engine.disabledDatabases().contains(databaseName)) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.databaseDisabled(databaseName));
            return;
        }
        // A waiting SHUTDOWN keeps the Unix socket open for the admin console only.
        if (engine.shuttingDown()) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.SHUTTING_DOWN);
            return;
        }
        // Null when a RELOAD removed the database while this client logged in.
        pool = engine.pools().poolFor(database.name(), user, queriedSecret);
        if (pool == null) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.noSuchDatabase(databaseName));
            return;
        }
        ByteBuf ok = channel.alloc().buffer(9);
        PgMessages.authentication(ok, MessageType.AUTH_OK);
        channel.write(ok, channel.voidPromise());
        stats = pool.stats().loop(loopIndex);
        pool.clientCount().incrementAndGet();
        holdsPoolSlot = true;
        // The login decoder is done; what it still holds reaches onData as a plain buffer.
        channel.pipeline().remove(ClientLoginDecoder.class);
        Map<String, String> welcome = pool.welcomeParams();
        if (welcome != null) {
            sendWelcome(welcome);
        } else {
            state = ClientState.WAIT_WELCOME;
            channel.flush();
            requestServer();
        }
    }

    /**
     * admin_users may do everything, stats_users only SHOW; anyone else is refused as PgBouncer does, except with
     * auth_type any, where PgBouncer lets every user in with the rights of a stats user.
     */
    private void onAdminAuthenticated() {
        Settings settings = engine.config().settings();
        boolean isAdmin = unixAdmin || settings.list(Setting.ADMIN_USERS).contains(user);
        boolean anyone = settings.authType() == AuthType.ANY;
        if (!isAdmin && !anyone && !settings.list(Setting.STATS_USERS).contains(user)) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.NOT_ALLOWED);
            return;
        }
        ByteBuf out = channel.alloc().buffer(256);
        PgMessages.authentication(out, MessageType.AUTH_OK);
        for (Map.Entry<String, String> p : AdminConsole.WELCOME.entrySet()) {
            PgMessages.parameterStatus(out, p.getKey(), p.getValue());
        }
        cancelKey = engine.cancels().register(this);
        PgMessages.backendKeyData(out, (int) (cancelKey >>> 32), (int) cancelKey);
        PgMessages.readyForQuery(out, MessageType.TX_IDLE);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addBefore(pipeline.context(this).name(), "admin", new AdminSession(engine.adminConsole(), isAdmin,
                this::logAdminError));
        pipeline.replace(ClientLoginDecoder.class, "frames", new TypedFrameDecoder(AdminConsole.MAX_MESSAGE));
        channel.writeAndFlush(out, channel.voidPromise());
        state = ClientState.ACTIVE;
        if (loginTimeout != null) {
            loginTimeout.cancel(false);
            loginTimeout = null;
        }
    }

    /** ParameterStatus for each server parameter (the client's own values for tracked ones), key, ReadyForQuery. */
    private void sendWelcome(Map<String, String> serverParams) {
        engine.tracked().adoptMissing(parameters, serverParams);
        ByteBuf out = channel.alloc().buffer(512);
        for (Map.Entry<String, String> p : serverParams.entrySet()) {
            PgMessages.parameterStatus(out, p.getKey(), parameters.getOrDefault(p.getKey(), p.getValue()));
        }
        cancelKey = engine.cancels().register(this);
        PgMessages.backendKeyData(out, (int) (cancelKey >>> 32), (int) cancelKey);
        PgMessages.readyForQuery(out, MessageType.TX_IDLE);
        channel.writeAndFlush(out, channel.voidPromise());
        state = ClientState.ACTIVE;
        if (loginTimeout != null) {
            loginTimeout.cancel(false);
            loginTimeout = null;
        }
    }

    // ---- server assignment ----

    private void requestServer() {
        if (state == ClientState.ACTIVE) {
            state = ClientState.WAITING;
            if (queryStartNanos == 0) {
                // Data from an idle client begins a query before it has a server, as in PgBouncer.
                queryStartNanos = lastActivityNanos;
            }
        }
        Waiter w = pool.checkout(this);
        if (server == null && state != ClientState.CLOSED) {
            waiter = w;
        }
    }

    /** The pool handed this client a server. Runs on the client's loop. */
    public void onServerAssigned(ServerConnection assigned) {
        // Only a client that was queued has waited; one served at once reads no clock.
        waitedNanos = waiter != null ? System.nanoTime() - waiter.sinceNanos() : 0;
        waiter = null;
        if (state == ClientState.CLOSED) {
            assigned.unlink(true);
            return;
        }
        if (authQuery != null) {
            String sql = authQuery;
            authQuery = null;
            assigned.pool().stats().loop(loopIndex).assigned(waitedNanos);
            assigned.runLookup(sql, user, () -> onAuthQueryDone(assigned));
            return;
        }
        if (assigned.needsCheck(System.nanoTime())) {
            // server_check_query on a server idle past server_check_delay; a failed one is dropped.
            assigned.runInternalQuery(assigned.pool().settings().checkQuery(), () -> {
                if (assigned.internalQueryError() != null) {
                    assigned.close("test query failed");
                    if (state != ClientState.CLOSED) {
                        requestServer();
                    }
                } else {
                    linkServer(assigned);
                }
            });
            return;
        }
        linkServer(assigned);
    }

    private void linkServer(ServerConnection assigned) {
        if (state == ClientState.CLOSED) {
            assigned.unlink(true);
            return;
        }
        server = assigned;
        stats.assigned(waitedNanos);
        serverReady = false;
        requestsSent = 0;
        serverReadyBaseline = assigned.readyForQueryCount();
        if (prepared == null && pool.settings().poolMode() != PoolMode.SESSION) {
            // Made at the first link, not at login: a client that stays idle never needs one.
            prepared = new FrontendRewriter(engine.preparedStatements(), scanner, stats);
        }
        if (prepared != null) {
            prepared.link(assigned.preparedStatements(engine.preparedStatements()), assigned.channel(),
                    engine.preparedStatements().limit(engine.config()));
        }
        if (state == ClientState.WAIT_WELCOME) {
            engine.tracked().adoptMissing(parameters, assigned.parameters());
        }
        String sql = engine.tracked().syncSql(parameters, assigned.parameters());
        if (sql == null) {
            onServerReady();
        } else {
            assigned.runInternalQuery(sql, this::onServerReady);
        }
    }

    private void onServerReady() {
        ServerConnection s = server;
        if (s == null || state == ClientState.CLOSED) {
            return;
        }
        if (s.internalQueryError() != null) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, "var change failed");
            return;
        }
        serverReadyBaseline = s.readyForQueryCount();
        serverReady = true;
        if (state == ClientState.WAIT_WELCOME) {
            sendWelcome(s.parameters());
            if (pool.settings().poolMode() != PoolMode.SESSION && nothingPending()) {
                // The server was needed only for the welcome: give it back until the first query.
                server = null;
                serverReady = false;
                s.unlink(true);
                channel.config().setAutoRead(true);
                return;
            }
        } else {
            state = ClientState.ACTIVE;
        }
        ByteBuf buf;
        while ((buf = nextPending()) != null) {
            relayToServer(buf);
        }
        channelReadComplete(null);
        if (!terminating) {
            channel.config().setAutoRead(true);
        }
    }

    /** A server could not be had: the pool failed this client with the server's or PgBouncer's error. */
    public void failFromPool(String sqlState, String message) {
        waiter = null;
        fail(sqlState, message);
    }

    /** The linked server's connection closed under this client. */
    void onServerLost(ServerConnection lost) {
        if (server != lost) {
            return;
        }
        server = null;
        fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.SERVER_CONNECTION_CLOSED);
    }

    // ---- relay ----

    private void onData(ByteBuf buf) {
        lastActivityNanos = System.nanoTime();
        if (state == ClientState.ACTIVE && server != null && serverReady) {
            relayToServer(buf);
            return;
        }
        if (state == ClientState.CLOSED) {
            buf.release();
            return;
        }
        if (server == null && nothingPending() && startsWithTerminate(buf)) {
            // A client leaving without a server needs none.
            buf.release();
            terminating = true;
            logClosing(CLOSE_REQUEST);
            channel.close();
            return;
        }
        if (pending == null) {
            pending = new ArrayDeque<>(2);
        }
        pending.add(buf);
        pendingBytes += buf.readableBytes();
        if (state == ClientState.ACTIVE && server == null) {
            requestServer();
        }
        if (pendingBytes >= PENDING_READ_LIMIT && state != ClientState.CLOSED && !serverReady) {
            channel.config().setAutoRead(false);
        }
    }

    private boolean startsWithTerminate(ByteBuf buf) {
        return scanner.atMessageBoundary() && buf.isReadable()
                && buf.getByte(buf.readerIndex()) == MessageType.TERMINATE;
    }

    private void relayToServer(ByteBuf buf) {
        ServerConnection s = server;
        int bytes = buf.readableBytes();
        if (prepared != null && prepared.tracking()) {
            boolean stopped;
            try {
                stopped = prepared.relay(buf);
            } catch (ProtocolException e) {
                fail(PgBouncerErrors.PROTOCOL_VIOLATION, e.getMessage());
                return;
            }
            dirtyToServer = true;
            stats.clientBytes(bytes);
            if (stopped) {
                stopRelaying();
            } else if (!s.channel().isWritable()) {
                channel.config().setAutoRead(false);
            }
            return;
        }
        int stop;
        try {
            stop = scanner.scan(buf);
        } catch (ProtocolException e) {
            buf.release();
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, e.getMessage());
            return;
        }
        if (stop >= 0) {
            // Terminate or an unknown packet: the server stays in the pool, so it must not see it.
            if (scanner.stopWasSplit()) {
                unsynced = true;
            }
            if (stop > buf.readerIndex()) {
                stats.clientBytes(stop - buf.readerIndex());
                s.channel().write(buf.retainedSlice(buf.readerIndex(), stop - buf.readerIndex()),
                        s.channel().voidPromise());
                dirtyToServer = true;
            }
            buf.release();
            stopRelaying();
            return;
        }
        stats.clientBytes(bytes);
        s.channel().write(buf, s.channel().voidPromise());
        dirtyToServer = true;
        if (!s.channel().isWritable()) {
            channel.config().setAutoRead(false);
        }
    }

    /** The scan stopped at a Terminate or an unknown packet: the client goes, after what came before it. */
    private void stopRelaying() {
        terminating = true;
        channel.config().setAutoRead(false);
        channelReadComplete(null);
        if (unknownPacket) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.UNKNOWN_PACKET);
        } else {
            logClosing(CLOSE_REQUEST);
            channel.close();
        }
    }

    @Override
    public int onHeader(byte type, int bodyLength) {
        switch (type) {
            case MessageType.QUERY, 'F' -> newRequest();
            case MessageType.SYNC -> {
                newRequest();
                unsynced = false;
            }
            case MessageType.PARSE, MessageType.BIND, 'D', 'C' -> {
                unsynced = true;
                if (prepared != null && prepared.tracking()) {
                    return prepared.onHeader(type, bodyLength);
                }
            }
            case MessageType.EXECUTE, 'H' -> unsynced = true;
            case MessageType.COPY_DATA, MessageType.COPY_DONE, MessageType.COPY_FAIL -> {
            }
            case MessageType.TERMINATE -> {
                return MessageScanner.STOP;
            }
            default -> {
                // No other type may follow login (a startup packet, a PasswordMessage, garbage): PgBouncer refuses it.
                unknownPacket = true;
                return MessageScanner.STOP;
            }
        }
        return MessageScanner.PASS;
    }

    @Override
    public void onBody(byte type, byte[] body, int length) {
    }

    private void newRequest() {
        ServerConnection s = server;
        if (s == null || s.readyForQueryCount() - serverReadyBaseline == requestsSent) {
            requestStartNanos = System.nanoTime();
            if (transactionStartNanos == 0) {
                transactionStartNanos = requestStartNanos;
            }
            startQuery();
        }
        requestsSent++;
        if (prepared != null && prepared.tracking()) {
            prepared.requestSent();
        }
    }

    /** Nothing was in flight: a query begins, and a transaction with it unless one is open (PgBouncer's stats). */
    private void startQuery() {
        if (queryStartNanos == 0) {
            queryStartNanos = requestStartNanos;
        }
        boolean newTransaction = xactStartNanos == 0;
        if (newTransaction) {
            xactStartNanos = queryStartNanos;
        }
        stats.queryStarted(newTransaction);
    }

    /** Every request was answered: the query ends, and the transaction with it when the server is idle. */
    private void endQuery(long nowNanos, boolean idle) {
        stats.queryDone(nowNanos - queryStartNanos);
        queryStartNanos = 0;
        if (idle && xactStartNanos != 0) {
            stats.transactionDone(nowNanos - xactStartNanos);
            xactStartNanos = 0;
        }
    }

    /** Server bytes for this client (on this client's loop). */
    @Override
    public void writeFromServer(ByteBuf buf) {
        channel.write(buf, channel.voidPromise());
        dirtyToClient = true;
        ServerConnection s = server;
        if (s != null && !channel.isWritable()) {
            s.channel().config().setAutoRead(false);
        }
    }

    void flushFromServer() {
        if (dirtyToClient) {
            dirtyToClient = false;
            channel.flush();
        }
    }

    /** The server can take more bytes: read from the client again, unless waiting or closing. Client's loop. */
    void resumeReading() {
        if (state == ClientState.ACTIVE && !terminating) {
            channel.config().setAutoRead(true);
        }
    }

    /** A server param changed while linked: the client now believes the new value. */
    /** PgBouncer's admin_error: an error line, and a pooler error line when log_pooler_errors is on. */
    private void logAdminError(String message) {
        LOG.severe(message);
        engine.connectionLog().poolerError(logPrefix(), message);
    }

    void onServerParameter(String name, String value) {
        String canonical = engine.tracked().canonicalName(name);
        if (canonical != null) {
            parameters.put(canonical, value);
        }
    }

    /**
     * The server finished a request. In transaction mode it goes back to the pool once the transaction is over
     * and every request was answered; in statement mode after every statement, and an open transaction is an
     * error, as in PgBouncer. Runs on the client's loop.
     */
    void onServerReadyForQuery(ServerConnection s) {
        if (s != server) {
            return;
        }
        long now = System.nanoTime();
        lastActivityNanos = now;
        if (queryStartNanos != 0 && s.readyForQueryCount() - serverReadyBaseline == requestsSent) {
            endQuery(now, s.txStatus() == MessageType.TX_IDLE);
        }
        PoolMode mode = pool.settings().poolMode();
        if (s.txStatus() != MessageType.TX_IDLE) {
            if (mode == PoolMode.STATEMENT) {
                server = null;
                s.close(PgBouncerErrors.STATEMENT_MODE_TRANSACTION);
                fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.STATEMENT_MODE_TRANSACTION);
            }
            return;
        }
        transactionStartNanos = 0;
        if (mode != PoolMode.SESSION && isServerClean(s)) {
            server = null;
            serverReady = false;
            s.unlink(true);
            // Reading may have stopped while that server's write buffer was full; its writability no longer concerns
            // this client, which must go on reading to ask for its next server.
            resumeReading();
        }
    }

    /** Applies the client-side timeouts; run by this loop's janitor once a second. */
    void maintain(long nowNanos) {
        if (state != ClientState.ACTIVE || pool == null) {
            return;
        }
        PoolSettings settings = pool.settings();
        ServerConnection s = server;
        boolean busy = s != null && serverReady && s.readyForQueryCount() - serverReadyBaseline < requestsSent;
        boolean inTransaction = s != null && transactionStartNanos != 0;
        if (busy && expired(nowNanos - requestStartNanos, settings.queryTimeout())) {
            dropWithServer(PgBouncerErrors.QUERY_TIMEOUT, true);
        } else if (inTransaction && expired(nowNanos - transactionStartNanos, settings.transactionTimeout())) {
            // Whether a statement runs or not: a transaction of short statements ends on time too.
            dropWithServer(PgBouncerErrors.TRANSACTION_TIMEOUT, busy);
        } else if (!busy) {
            maintainIdle(nowNanos, s, inTransaction);
        }
    }

    /** The timeouts of a client with no request in flight, in a transaction or not. */
    private void maintainIdle(long nowNanos, ServerConnection s, boolean inTransaction) {
        PoolSettings settings = pool.settings();
        if (inTransaction) {
            if (expired(nowNanos - lastActivityNanos, settings.idleTransactionTimeout())) {
                dropWithServer(PgBouncerErrors.IDLE_TRANSACTION_TIMEOUT, false);
            }
        } else if (s != null && s.closeNeeded() && settings.fastClose() && serverReady) {
            dropWithServer(Pool.CONFIGURATION_CHANGED, false);
        } else if (expired(nowNanos - lastActivityNanos, settings.clientIdleTimeout())) {
            fail(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.CLIENT_IDLE_TIMEOUT);
        }
    }

    private static boolean expired(long elapsedNanos, Duration timeout) {
        return !timeout.isZero() && elapsedNanos > timeout.toNanos();
    }

    /**
     * A timeout on a linked server: the server is closed (its state is unknown) and the client told why. A statement
     * still running is cancelled first: PostgreSQL does not notice a closed connection while it executes, so the
     * backend would go on working for nobody, past pool_size, until the statement ends.
     */
    private void dropWithServer(String reason, boolean running) {
        ServerConnection s = server;
        server = null;
        if (s != null) {
            if (running) {
                sendCancel(s);
            }
            s.close(reason);
        }
        fail(PgBouncerErrors.PROTOCOL_VIOLATION, reason);
    }

    private boolean isServerClean(ServerConnection s) {
        return !unsynced && scanner.atMessageBoundary() && (prepared == null || prepared.atMessageBoundary())
                && s.readyForQueryCount() - serverReadyBaseline == requestsSent;
    }

    // ---- errors ----

    /** Sends a FATAL error with PgBouncer's text and closes this client only; once: a failed client gets no more. */
    void fail(String sqlState, String message) {
        if (failed) {
            return;
        }
        failed = true;
        if (state == ClientState.CLOSED || !channel.isActive()) {
            channel.close();
            return;
        }
        logClosing(message);
        engine.connectionLog().poolerError(logPrefix(), message);
        channel.config().setAutoRead(false);
        channel.writeAndFlush(PgMessages.fatal(channel.alloc(), sqlState, message))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Gives back this client's places in the client counts, once; on close and again on channelInactive. */
    private void releaseSlots() {
        if (holdsClientSlot) {
            holdsClientSlot = false;
            engine.clientCount().decrementAndGet();
        }
        if (holdsPoolSlot) {
            holdsPoolSlot = false;
            pool.clientCount().decrementAndGet();
        }
    }

    private boolean nothingPending() {
        return pending == null || pending.isEmpty();
    }

    private ByteBuf nextPending() {
        ByteBuf buf = pending == null ? null : pending.poll();
        if (buf != null) {
            pendingBytes -= buf.readableBytes();
        }
        return buf;
    }

    private void releasePending() {
        ByteBuf buf;
        while ((buf = nextPending()) != null) {
            ReferenceCountUtil.release(buf);
        }
    }

    /** log_disconnections' line, once per client. */
    private void logClosing(String reason) {
        if (!closeLogged) {
            closeLogged = true;
            engine.connectionLog().closing(logPrefix(), reason, ageNanos());
        }
    }

    private long ageNanos() {
        return Duration.between(connectTime, Instant.now()).toNanos();
    }

    private String logPrefix() {
        return ConnectionLog.prefix('C', id, databaseName, user, channel.remoteAddress());
    }
}
