package io.pgmux.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.pgmux.admin.view.ConnectionSnapshot;
import io.pgmux.config.PoolMode;
import io.pgmux.log.ConnectionLog;
import io.pgmux.pool.Pool;
import io.pgmux.prepared.ResponseRelay;
import io.pgmux.prepared.StatementCache;
import io.pgmux.protocol.ErrorFields;
import io.pgmux.protocol.LoginMessage;
import io.pgmux.protocol.MessageScanner;
import io.pgmux.protocol.MessageType;
import io.pgmux.protocol.PgBouncerErrors;
import io.pgmux.protocol.PgMessages;
import io.pgmux.protocol.TypedFrameDecoder;
import io.pgmux.tls.ServerTlsNegotiator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One connection from pgmux to a PostgreSQL server: its login, its state in the pool, and the server-to-client half
 * of the relay.
 *
 * <p>Threading: the channel lives on one event loop (the server's loop). While linked to a client, everything the
 * data path does with this object runs on the client's loop: reads arriving on another loop are handed over as
 * tasks, so the pair's state has a single writer and needs no locks. Linking and unlinking go through the client's
 * and the server's loops' task queues, which order them with the data.
 */
public final class ServerConnection extends ChannelInboundHandlerAdapter implements MessageScanner.Listener {
    private static final Logger LOG = Logger.getLogger(ServerConnection.class.getName());

    private final Pool pool;
    private final int loopIndex;
    /** The pool's server generation this server was opened in: an older one than the pool's is close-needed. */
    private final int generation;
    private final ConnectionLog connectionLog;
    private final MessageScanner scanner = new MessageScanner(this);
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final long createdNanos = System.nanoTime();
    private final long id = ConnectionIds.next();
    private final Instant connectTime = Instant.now();
    private long lastUsedNanos = createdNanos;
    /** A client's request has run on this server: with server_check_delay 0 it is checked before every reuse. */
    private boolean served;
    /** A ReadyForQuery was relayed in the current read: the owner decides whether the server goes back. */
    private boolean readyForQuerySeen;

    private Channel channel;
    private ServerLogin login;
    private ServerState state = ServerState.LOGIN;
    /** The linked client; written on the server's loop before the client is told, read on both loops. */
    private volatile ClientSession client;

    private int backendPid;
    private int backendKey;
    private byte txStatus = MessageType.TX_IDLE;
    private long readyForQueryCount;
    /** Set while pgmux runs its own query (reset, SET): its replies are read here and not relayed. */
    private Runnable afterInternalQuery;
    private String internalQueryError;
    /** A lookup (auth_query) is running: its first DataRow is kept. */
    private boolean lookingUp;
    private List<String> internalRow;
    private boolean closing;
    /** This server's named prepared statements, created when a pool that tracks them first links it. */
    private ResponseRelay prepared;
    /** Bytes read on this server's loop and queued for the client's loop (added here, taken there). */
    private final AtomicInteger handedOverBytes = new AtomicInteger();

    public ServerConnection(Pool pool, int loopIndex, int generation, ServerLogin login,
            ConnectionLog connectionLog) {
        this.pool = pool;
        this.loopIndex = loopIndex;
        this.generation = generation;
        this.login = login;
        this.connectionLog = connectionLog;
    }

    /** The id SHOW SERVERS prints. */
    public long id() {
        return id;
    }

    /** This server as SHOW SERVERS shows it, or null once closed; call on its loop. */
    public ConnectionSnapshot<io.pgmux.admin.view.ServerState> snapshot() {
        io.pgmux.admin.view.ServerState shown = switch (state) {
            case LOGIN -> io.pgmux.admin.view.ServerState.LOGIN;
            case ACTIVE -> io.pgmux.admin.view.ServerState.ACTIVE;
            case IDLE -> io.pgmux.admin.view.ServerState.IDLE;
            case USED -> io.pgmux.admin.view.ServerState.TESTED;
            case CLOSED -> null;
        };
        if (shown == null || channel == null) {
            return null;
        }
        ClientSession c = client;
        return Snapshots.of(shown, id, pool.key().user(), pool.key().database(), channel, connectTime,
                lastUsedNanos, 0, closeNeeded(), c == null ? null : c.id(), backendPid, false,
                parameters.get("application_name"), prepared == null ? 0 : prepared.count());
    }

    public int loopIndex() {
        return loopIndex;
    }

    public Pool pool() {
        return pool;
    }

    public Channel channel() {
        return channel;
    }

    public EventLoop loop() {
        return channel.eventLoop();
    }

    public ServerState state() {
        return state;
    }

    /** The server's ParameterStatus values as last reported. */
    public Map<String, String> parameters() {
        return parameters;
    }

    public int backendPid() {
        return backendPid;
    }

    public int backendKey() {
        return backendKey;
    }

    /** Transaction status from the last ReadyForQuery. */
    public byte txStatus() {
        return txStatus;
    }

    /** ReadyForQuery messages seen since login; the client compares it with the requests it sent. */
    public long readyForQueryCount() {
        return readyForQueryCount;
    }

    /** The statements prepared on this server; call on the loop running its data path. */
    public ResponseRelay preparedStatements(StatementCache cache) {
        if (prepared == null) {
            prepared = new ResponseRelay(cache, scanner);
        }
        return prepared;
    }

    /** True when no message from the server is half read. */
    public boolean atMessageBoundary() {
        return scanner.atMessageBoundary();
    }

    public long ageNanos() {
        return System.nanoTime() - createdNanos;
    }

    /** When the server last became idle, or finished its login. */
    public long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** Set by RECONNECT, or a RELOAD or SET that changed the server's settings: close when released. */
    public boolean closeNeeded() {
        return generation != pool.generation().number();
    }

    /**
     * True when the pool has a check query and the server sat idle past server_check_delay, or, with a delay of 0,
     * has served a request before. A server fresh from its login is not checked, as in PgBouncer (its login just
     * proved it works): if it were, a check query that fails would drop every new server too, and the client would
     * wait forever while pgmux opened server after server.
     */
    boolean needsCheck(long nowNanos) {
        long delay = pool.settings().checkDelay().toNanos();
        return pool.settings().checkQuery() != null && (delay == 0 ? served : nowNanos - lastUsedNanos > delay);
    }

    // ---- pool transitions ----

    /** Called by the pool on the server's loop when the server becomes idle. */
    public void markIdle() {
        state = ServerState.IDLE;
        client = null;
        lastUsedNanos = System.nanoTime();
    }

    /** Called by the pool on the server's loop when it hands this server to a client. */
    public void linkTo(ClientSession newClient) {
        state = ServerState.ACTIVE;
        client = newClient;
    }

    /**
     * The client is done with this server (runs on the client's loop). A server that is clean goes back to the pool
     * after the reset query; one that is not (open transaction, unanswered requests, half a message) is closed,
     * since no other client may inherit its state.
     */
    public void unlink(boolean clean) {
        client = null;
        if (prepared != null) {
            prepared.unlink();
        }
        if (!clean || txStatus != MessageType.TX_IDLE || !scanner.atMessageBoundary()) {
            close("client disconnect while server was not ready");
            return;
        }
        boolean reset = pool.settings().resetQueryAlways()
                || pool.settings().poolMode() == PoolMode.SESSION;
        if (channel.eventLoop().inEventLoop()) {
            releaseToPool(reset);
        } else {
            channel.eventLoop().execute(() -> releaseToPool(reset));
        }
    }

    /** Back to the pool, after the reset query when asked. Runs on the server's loop. */
    private void releaseToPool(boolean reset) {
        if (!channel.isActive()) {
            return;
        }
        state = ServerState.USED;
        // Reading may have stopped while the last client's write buffer was full: an idle server reads, so that the
        // next client gets its answers and a server going away is seen.
        channel.config().setAutoRead(true);
        String resetQuery = pool.settings().resetQuery();
        if (!reset || resetQuery == null || resetQuery.isBlank()) {
            pool.release(this);
            return;
        }
        runInternalQuery(resetQuery, () -> {
            if (internalQueryError != null) {
                close("reset query failed");
            } else {
                pool.release(this);
            }
        });
    }

    /**
     * Runs a query of pgmux's own on this server and calls {@code then} on the same loop once its ReadyForQuery has
     * arrived; the replies are not relayed. Used for the reset query and for setting a client's parameters.
     */
    public void runInternalQuery(String sql, Runnable then) {
        afterInternalQuery = then;
        internalQueryError = null;
        ByteBuf out = channel.alloc().buffer(sql.length() + 8);
        PgMessages.query(out, sql);
        channel.writeAndFlush(out, channel.voidPromise());
    }

    /**
     * Runs a one-parameter query of pgmux's own (auth_query) with the extended protocol, the parameter bound apart
     * from the SQL, and keeps the first row for {@link #internalRow}; {@code then} runs after its ReadyForQuery.
     */
    public void runLookup(String sql, String parameter, Runnable then) {
        afterInternalQuery = then;
        internalQueryError = null;
        internalRow = null;
        lookingUp = true;
        ByteBuf out = channel.alloc().buffer(sql.length() + parameter.length() + 64);
        PgMessages.extendedQuery(out, sql, List.of(parameter));
        channel.writeAndFlush(out, channel.voidPromise());
    }

    /** The first row of the last lookup (null values for SQL NULLs), or null when it returned none. */
    public List<String> internalRow() {
        return internalRow;
    }

    /** The error text of the last internal query, or null when it succeeded. */
    public String internalQueryError() {
        return internalQueryError;
    }

    /** Closes the connection; the pool hears of it when the channel becomes inactive. */
    public void close(String reason) {
        if (closing) {
            return;
        }
        closing = true;
        connectionLog.closing(logPrefix(), reason, ageNanos());
        if (channel != null && channel.isActive()) {
            ByteBuf out = channel.alloc().buffer(5);
            PgMessages.terminate(out);
            channel.writeAndFlush(out).addListener(f -> channel.close());
        } else if (channel != null) {
            channel.close();
        }
    }

    // ---- Netty events (server's loop) ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connectionLog.newServerConnection(logPrefix(), ctx.channel().localAddress());
        if (ctx.pipeline().get(ServerTlsNegotiator.class) == null) {
            sendStartup(ctx);
        }
        // server_connect_timeout covers the login too, as in PgBouncer: a server that accepts and never answers.
        long timeout = pool.settings().connectTimeout().toNanos();
        if (timeout > 0) {
            ctx.executor().schedule(() -> {
                if (state == ServerState.LOGIN && login != null) {
                    login.failed(PgBouncerErrors.PROTOCOL_VIOLATION, PgBouncerErrors.CONNECT_TIMEOUT);
                    ctx.close();
                }
            }, timeout, TimeUnit.NANOSECONDS);
        }
    }

    private void sendStartup(ChannelHandlerContext ctx) {
        ByteBuf out = ctx.alloc().buffer(128);
        PgMessages.startupMessage(out, login.startupParameters());
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    /** TLS to the server is set up (or refused where the mode allows): log in; or it failed: remember why. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ServerTlsNegotiator.READY && state == ServerState.LOGIN) {
            sendStartup(ctx);
        } else if (event instanceof ServerTlsNegotiator.Failed failed && login != null) {
            login.failed(PgBouncerErrors.PROTOCOL_VIOLATION, failed.reason());
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof LoginMessage message) {
            try {
                onLoginMessage(ctx, message);
            } finally {
                message.release();
            }
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        ClientSession owner = client;
        if (owner != null && !owner.loop().inEventLoop()) {
            handOver(owner, buf);
        } else {
            onData(buf, false, loopIndex);
        }
    }

    /**
     * Passes a read to the client's loop. The client's write buffer does not count bytes still queued for its loop,
     * so without a bound of its own this loop would read ahead of a slow client by as much as the server can send.
     * Reading stops here once the queued bytes pass the high water mark, before the task is queued, so the task that
     * drains the queue always runs later and turns reading back on.
     */
    private void handOver(ClientSession owner, ByteBuf buf) {
        int bytes = buf.readableBytes();
        if (handedOverBytes.addAndGet(bytes) > channel.config().getWriteBufferHighWaterMark()) {
            channel.config().setAutoRead(false);
        }
        owner.loop().execute(() -> {
            onData(buf, true, owner.loopIndex());
            if (handedOverBytes.addAndGet(-bytes) <= channel.config().getWriteBufferLowWaterMark()) {
                // A client that cannot take more turns reading back on when it can (channelWritabilityChanged).
                ClientSession current = client;
                if (current == null || current.channel().isWritable()) {
                    channel.config().setAutoRead(true);
                }
            }
        });
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ClientSession owner = client;
        if (owner != null && owner.loop().inEventLoop()) {
            owner.flushFromServer();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ClientSession owner = client;
        if (owner != null && ctx.channel().isWritable()) {
            if (owner.loop().inEventLoop()) {
                owner.resumeReading();
            } else {
                owner.loop().execute(owner::resumeReading);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean wasLogin = state == ServerState.LOGIN;
        state = ServerState.CLOSED;
        if (!closing) {
            // Not closed by pgmux: the server refused the login or went away.
            String failure = wasLogin && login != null ? login.failureMessage() : null;
            connectionLog.closing(logPrefix(), wasLogin ? (failure != null ? failure : "login failed")
                    : "server conn crashed?", ageNanos());
        }
        if (wasLogin && login != null) {
            pool.onServerLoginFailed(login.failureSqlState(), login.failureMessage());
        }
        ClientSession owner = client;
        if (owner != null) {
            // Unlinked on the client's loop, after the reads still queued there: the server's last words (the FATAL
            // that says why it went) reach the client before pgmux's own error, as in PgBouncer.
            owner.loop().execute(() -> {
                client = null;
                releasePrepared();
                owner.onServerLost(this);
            });
        } else {
            releasePrepared();
        }
        pool.onServerClosed(this);
    }

    /** The statements die with the connection; on the loop that runs the data path, which may still use them. */
    private void releasePrepared() {
        if (prepared != null) {
            prepared.release();
        }
    }

    /**
     * The TCP or Unix socket connect failed, or got no answer within server_connect_timeout: the pool counts a
     * failed login, with PgBouncer's text for each. Runs on the server's loop.
     */
    public void onConnectFailed(Throwable cause) {
        state = ServerState.CLOSED;
        connectionLog.closing(logPrefix(), "connect failed", ageNanos());
        pool.onServerLoginFailed(PgBouncerErrors.PROTOCOL_VIOLATION, cause instanceof ConnectTimeoutException
                ? PgBouncerErrors.CONNECT_TIMEOUT : PgBouncerErrors.CONNECT_FAILED);
        pool.onServerClosed(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "server connection error", cause);
        // A login that fails here keeps the reason already recorded (a failed TLS handshake reports why before its
        // exception arrives here), and otherwise the default one, "connect failed".
        ctx.close();
    }

    // ---- login ----

    private void onLoginMessage(ChannelHandlerContext ctx, LoginMessage message) {
        if (login.hasFailed()) {
            // Closing: a ReadyForQuery read in the same batch as the failure must not make this server usable.
            return;
        }
        ByteBuf body = message.body();
        switch (message.type()) {
            case MessageType.AUTHENTICATION -> login.onAuthenticationRequest(ctx, body);
            case MessageType.PARAMETER_STATUS -> putParameter(body);
            case MessageType.BACKEND_KEY_DATA -> {
                if (body.readableBytes() < 8) {
                    login.failed(ServerLogin.CONNECT_FAILED_SQLSTATE, "bad cancel key");
                    ctx.close();
                    return;
                }
                backendPid = body.readInt();
                backendKey = body.readInt();
            }
            case MessageType.ERROR_RESPONSE -> {
                ErrorFields error = ErrorFields.parse(body);
                LOG.warning("server login failed: " + error.severity() + " " + error.message());
                login.failed(error.sqlState(), error.message());
                ctx.close();
            }
            case MessageType.READY_FOR_QUERY -> onLoginDone(ctx);
            case MessageType.NOTICE_RESPONSE, MessageType.NEGOTIATE_PROTOCOL_VERSION -> {
            }
            default -> {
                login.failed(ServerLogin.CONNECT_FAILED_SQLSTATE, "unknown pkt from server");
                ctx.close();
            }
        }
    }

    /** Records a ParameterStatus body; returns the parameter's name, or null for a malformed body. */
    private String putParameter(ByteBuf body) {
        int nul = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
        if (nul < 0) {
            return null;
        }
        String name = body.toString(body.readerIndex(), nul - body.readerIndex(), StandardCharsets.UTF_8);
        int end = body.indexOf(nul + 1, body.writerIndex(), (byte) 0);
        String value = body.toString(nul + 1, Math.max(0, end - nul - 1), StandardCharsets.UTF_8);
        parameters.put(name, value);
        return name;
    }

    private void onLoginDone(ChannelHandlerContext ctx) {
        login = null;
        lastUsedNanos = System.nanoTime();
        // From here on the relay reads raw buffers; bytes already buffered flow on as one buffer.
        ctx.pipeline().remove(TypedFrameDecoder.class);
        pool.onServerLogin(this);
        state = ServerState.USED;
        pool.release(this);
    }

    // ---- data (on the owner's loop) ----

    /**
     * Bytes read from the server, on the loop of index {@code runningLoop}: the server's loop, or the client's when
     * the read was handed over. They are counted there, as PgBouncer's server_bytes (all of them, pgmux's own
     * queries' answers included).
     */
    private void onData(ByteBuf buf, boolean handedOver, int runningLoop) {
        ClientSession owner = client;
        if (afterInternalQuery == null && owner != null && !owner.loop().inEventLoop()) {
            // Unlinked and relinked while this read was in flight: deliver on the new owner's loop.
            owner.loop().execute(() -> onData(buf, true, owner.loopIndex()));
            return;
        }
        pool.stats().loop(runningLoop).serverBytes(buf.readableBytes());
        if (afterInternalQuery != null || owner == null) {
            scanAndDrop(buf);
            return;
        }
        if (prepared != null && prepared.editing()) {
            try {
                prepared.relay(buf, owner);
            } catch (RuntimeException e) {
                close("bad pkt header");
                return;
            }
        } else {
            try {
                scanner.scan(buf);
            } catch (RuntimeException e) {
                buf.release();
                close("bad pkt header");
                return;
            }
            owner.writeFromServer(buf);
        }
        // Flush now when this read was handed over, or when the server may go to another client below: the
        // end-of-read flush only reaches the client linked at that time.
        if (handedOver || readyForQuerySeen) {
            owner.flushFromServer();
        }
        if (readyForQuerySeen) {
            readyForQuerySeen = false;
            owner.onServerReadyForQuery(this);
        }
    }

    private void scanAndDrop(ByteBuf buf) {
        try {
            scanner.scan(buf);
        } catch (RuntimeException e) {
            close("bad pkt header");
        } finally {
            ReferenceCountUtil.release(buf);
        }
    }

    @Override
    public int onHeader(byte type, int bodyLength) {
        if (prepared != null) {
            int action = prepared.onHeader(type, bodyLength, afterInternalQuery == null);
            if (action != MessageScanner.PASS) {
                return action;
            }
        }
        return switch (type) {
            case MessageType.READY_FOR_QUERY, MessageType.PARAMETER_STATUS -> MessageScanner.CAPTURE;
            case MessageType.ERROR_RESPONSE -> afterInternalQuery != null || client == null
                    ? MessageScanner.CAPTURE : MessageScanner.PASS;
            case MessageType.DATA_ROW -> lookingUp && internalRow == null ? MessageScanner.CAPTURE
                    : MessageScanner.PASS;
            default -> MessageScanner.PASS;
        };
    }

    @Override
    public void onBody(byte type, byte[] body, int length) {
        switch (type) {
            case MessageType.READY_FOR_QUERY -> {
                txStatus = length > 0 ? body[0] : MessageType.TX_IDLE;
                readyForQueryCount++;
                Runnable then = afterInternalQuery;
                if (then != null) {
                    afterInternalQuery = null;
                    lookingUp = false;
                    readyForQueryCount--;
                    then.run();
                } else if (client != null) {
                    served = true;
                    readyForQuerySeen = true;
                    if (prepared != null) {
                        prepared.onReadyForQuery();
                    }
                }
            }
            case MessageType.PARAMETER_STATUS -> onParameterStatus(body, length);
            case MessageType.DATA_ROW -> internalRow = DataRows.columns(body, length);
            case MessageType.COMMAND_COMPLETE -> prepared.onCommandComplete(body, length, afterInternalQuery == null);
            case MessageType.ERROR_RESPONSE -> {
                ErrorFields error = ErrorFields.parse(Unpooled.wrappedBuffer(body, 0, length));
                if (afterInternalQuery != null) {
                    internalQueryError = error.message();
                    LOG.warning("S: " + pool.key() + " pooler query failed: " + error.message());
                } else if ("FATAL".equals(error.severity()) || "PANIC".equals(error.severity())) {
                    LOG.warning("S: " + pool.key() + " idle server error: " + error.message());
                }
            }
            default -> {
            }
        }
    }

    private void onParameterStatus(byte[] body, int length) {
        String name = putParameter(Unpooled.wrappedBuffer(body, 0, length));
        ClientSession owner = client;
        if (name != null && owner != null && afterInternalQuery == null) {
            owner.onServerParameter(name, parameters.get(name));
        }
    }

    private String logPrefix() {
        return ConnectionLog.prefix('S', id, pool.key().database(), pool.key().user(),
                channel != null ? channel.remoteAddress() : null);
    }

    @Override
    public String toString() {
        return "S-" + Integer.toHexString(System.identityHashCode(this)) + " " + pool.key() + " pid=" + backendPid;
    }
}
