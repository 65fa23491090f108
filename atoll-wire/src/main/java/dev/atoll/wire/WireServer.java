package dev.atoll.wire;

import dev.atoll.wire.tls.PeerIdentity;
import dev.atoll.wire.tls.RefusalReason;
import dev.atoll.wire.tls.RefusedCertificateException;
import dev.atoll.wire.tls.WireTls;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections of the wire protocol (PROTOCOL.md) and hands each frame to the handler of its
 * type. Each connection has a reader and a dispatcher (virtual threads) joined by a bounded queue:
 * when the handler falls behind, the reader stops reading and TCP pushes back on the sender.
 *
 * <p>A peer that breaks the protocol (bad magic, unknown type, oversized length, a frame cut short or
 * left unfinished for {@link WireSettings#readTimeout}, a payload its handler cannot decode) has its
 * connection closed with one warning naming its address. Nothing a peer sends can throw out of the
 * server or stop it accepting others.
 */
public final class WireServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WireServer.class);

    private final InetSocketAddress bind;
    private final WireSettings settings;
    private final Function<Hello, Optional<String>> refusal;
    private final Map<FrameType, FrameHandler> handlers;
    private final RequestHandler requests;
    /** Null: plain TCP (one process, tests); else every connection is TLS first (see {@link WireTls}). */
    private final WireTls tls;

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong violations = new AtomicLong();
    private volatile ServerSocket server;
    private volatile boolean closed;

    /**
     * @param refusal given a peer's HELLO, the reason to refuse it, or empty to accept it
     * @param handlers one per frame type the server accepts after HELLO; other types close the
     *     connection
     */
    public WireServer(
            InetSocketAddress bind,
            WireSettings settings,
            Function<Hello, Optional<String>> refusal,
            Map<FrameType, FrameHandler> handlers) {
        this(bind, settings, refusal, handlers, null);
    }

    /**
     * A server that also answers REQUEST frames with {@code requests}, replying on the same
     * connection.
     */
    public WireServer(
            InetSocketAddress bind,
            WireSettings settings,
            Function<Hello, Optional<String>> refusal,
            Map<FrameType, FrameHandler> handlers,
            RequestHandler requests) {
        this(bind, settings, refusal, handlers, requests, null);
    }

    /**
     * A server whose connections are mutually authenticated TLS 1.3 by {@code tls} (null: plain
     * TCP). A peer refused by {@code tls} is logged, counted and disconnected before its HELLO is read.
     */
    public WireServer(
            InetSocketAddress bind,
            WireSettings settings,
            Function<Hello, Optional<String>> refusal,
            Map<FrameType, FrameHandler> handlers,
            RequestHandler requests,
            WireTls tls) {
        this.tls = tls;
        this.requests = requests;
        this.bind = Objects.requireNonNull(bind, "bind");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.refusal = Objects.requireNonNull(refusal, "refusal");
        this.handlers = new EnumMap<>(FrameType.class);
        this.handlers.putAll(handlers);
        this.handlers.remove(FrameType.HELLO);
        this.handlers.remove(FrameType.RESPONSE);
        if (requests != null && this.handlers.containsKey(FrameType.REQUEST)) {
            throw new IllegalArgumentException("REQUEST frames are answered by the request handler");
        }
    }

    private boolean serves(FrameType type) {
        return handlers.containsKey(type) || (type == FrameType.REQUEST && requests != null);
    }

    /**
     * Binds and starts accepting.
     *
     * @return the bound address (its port is chosen by the system when {@code bind} has port 0)
     * @throws UncheckedIOException naming the address when it cannot be bound (for example, in use)
     */
    public synchronized InetSocketAddress start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            try {
                socket.bind(bind, 128);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            server = socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bind + ": " + e.getMessage(), e);
        }
        Thread.ofVirtual().name("wire-accept-" + bind.getPort()).start(this::acceptLoop);
        return address();
    }

    public InetSocketAddress address() {
        ServerSocket socket = server;
        if (socket == null) {
            throw new IllegalStateException("not started");
        }
        return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }

    /** Connections closed because their peer broke the protocol, since start. */
    public long protocolViolations() {
        return violations.get();
    }

    public int openConnections() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("wire server on {} stopped accepting: {}", bind, e.toString());
                }
                return;
            }
            if (connections.size() >= settings.maxConnections()) {
                LOG.warn(
                        "wire server on {}: refused {}: already {} connections",
                        bind,
                        socket.getRemoteSocketAddress(),
                        settings.maxConnections());
                closeQuietly(socket);
                continue;
            }
            Connection connection = new Connection(socket);
            connections.add(connection);
            if (closed) {
                connection.close();
                return;
            }
            connection.reader =
                    Thread.ofVirtual().name("wire-in-" + connection.peer).start(connection::read);
        }
    }

    /** Stops accepting and closes every connection; frames not yet handled are dropped. */
    @Override
    public void close() {
        closed = true;
        ServerSocket socket = server;
        if (socket != null) {
            closeQuietly(socket);
        }
        for (Connection connection : connections) {
            connection.close();
        }
    }

    /** The peer broke the protocol; the message says how, for the warning. */
    private static final class ProtocolViolation extends Exception {
        ProtocolViolation(String message) {
            super(message, null, false, false);
        }
    }

    private record Frame(FrameType type, byte[] payload) {}

    private final class Connection {
        /** The accepted socket, replaced by its TLS layer once the handshake starts. */
        volatile Socket socket;
        /** The peer's certificate; empty on plain TCP and for a peer that joins without one. */
        volatile Optional<PeerIdentity> identity = Optional.empty();

        final String peer;
        final BlockingQueue<Frame> inbound = new ArrayBlockingQueue<>(settings.inboundQueueFrames());
        final Semaphore inboundBytes = new Semaphore(settings.inboundQueueBytes());
        volatile Thread reader;
        volatile Thread dispatcher;
        volatile Thread replier;
        volatile long writingSince;
        final BlockingQueue<byte[]> replies = new ArrayBlockingQueue<>(settings.inboundQueueFrames());
        volatile Hello hello;
        volatile boolean done;
        private final java.util.concurrent.atomic.AtomicBoolean closing =
                new java.util.concurrent.atomic.AtomicBoolean();

        Connection(Socket socket) {
            this.socket = socket;
            this.peer = String.valueOf(socket.getRemoteSocketAddress());
        }

        void read() {
            try {
                socket.setSoTimeout(Math.toIntExact(settings.readTimeout().toMillis()));
                socket.setTcpNoDelay(true);
                if (tls != null && !handshake()) {
                    return;
                }
                InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
                Frame first = readFrame(in);
                if (first == null) {
                    throw new ProtocolViolation("no HELLO within " + settings.readTimeout());
                }
                if (first.type() != FrameType.HELLO) {
                    throw new ProtocolViolation("first frame is " + first.type() + ", not HELLO");
                }
                Hello introduced = decodeHello(first.payload());
                hello = introduced;
                dispatcher = Thread.ofVirtual()
                        .name("wire-dispatch-" + introduced.memberId() + "-" + peer)
                        .start(this::dispatch);
                long idleReads = 0;
                long idleLimit = Math.max(
                        1,
                        settings.idleTimeout().toMillis()
                                / settings.readTimeout().toMillis());
                while (!done) {
                    Frame frame = readFrame(in);
                    if (frame == null) {
                        if (replyStuck()) {
                            LOG.warn(
                                    "wire: closing {} ({}): it has not read its answers for {}",
                                    peer,
                                    introduced.memberId(),
                                    settings.writeTimeout());
                            return;
                        }
                        if (++idleReads >= idleLimit) {
                            LOG.debug(
                                    "wire: closing {} ({}), idle for {}",
                                    peer,
                                    introduced.memberId(),
                                    settings.idleTimeout());
                            return;
                        }
                        continue;
                    }
                    idleReads = 0;
                    if (frame.type() == FrameType.HELLO) {
                        throw new ProtocolViolation("second HELLO");
                    }
                    if (tls != null && identity.isEmpty() && frame.type() != FrameType.REQUEST) {
                        tls.identity()
                                .refusals()
                                .refused(
                                        peer,
                                        RefusalReason.NO_CERTIFICATE,
                                        "sent " + frame.type() + " without a certificate");
                        return;
                    }
                    if (!serves(frame.type())) {
                        throw new ProtocolViolation("frame type " + frame.type() + " is not served here");
                    }
                    // Blocking here is the back-pressure: the socket is not read until the handler catches up.
                    inboundBytes.acquire(frame.payload().length);
                    inbound.put(frame);
                }
            } catch (ProtocolViolation v) {
                warn(v.getMessage());
            } catch (EOFException e) {
                LOG.debug("wire: {} closed the connection", peer);
            } catch (IOException e) {
                if (!done) {
                    LOG.debug("wire: connection from {} lost: {}", peer, e.toString());
                }
            } catch (InterruptedException e) {
                // close() interrupts a reader waiting for queue space.
            } catch (RuntimeException e) {
                LOG.warn("wire: closing connection from {} after an unexpected failure", peer, e);
            } finally {
                close();
            }
        }

        /**
         * Layers TLS on the accepted socket and checks the peer's certificate and role; false (refusal
         * logged and counted) when the peer may not connect.
         */
        private boolean handshake() throws IOException {
            SSLSocket ssl =
                    (SSLSocket) tls.identity().sslContext().getSocketFactory().createSocket(socket, null, true);
            tls.configureServer(ssl);
            socket = ssl;
            try {
                ssl.startHandshake();
                if (ssl.getSession().getPeerCertificates().length > 0) {
                    PeerIdentity peerIdentity = tls.identity().verify(ssl.getSession());
                    if (!tls.peerRoles().contains(peerIdentity.role())) {
                        throw new RefusedCertificateException(
                                RefusalReason.WRONG_ROLE, "a " + peerIdentity + " may not connect here");
                    }
                    identity = Optional.of(peerIdentity);
                }
                return true;
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                if (tls.anonymousMethods().isEmpty()) {
                    tls.identity().refusals().refused(peer, RefusalReason.NO_CERTIFICATE, "no certificate");
                    return false;
                }
                return true; // it may only call the anonymous methods (checked per call)
            } catch (RefusedCertificateException e) {
                tls.identity().refusals().refused(peer, e.reason(), e.getMessage());
                return false;
            } catch (IOException e) {
                if (done) return false;
                var refused = RefusedCertificateException.in(e);
                if (refused.isPresent()) {
                    tls.identity()
                            .refusals()
                            .refused(peer, refused.get().reason(), refused.get().getMessage());
                } else {
                    String message = String.valueOf(e.getMessage());
                    // The JDK's words when a client sends no certificate where one is required.
                    RefusalReason reason = message.contains("Empty client certificate chain")
                                    || message.contains("certificate_required")
                            ? RefusalReason.NO_CERTIFICATE
                            : RefusalReason.HANDSHAKE;
                    tls.identity().refusals().refused(peer, reason, message);
                }
                return false;
            }
        }

        /**
         * The next frame, or null when none started within the read timeout. EOF before a frame
         * starts is a clean close; anything else that cuts a frame short is a violation.
         */
        private Frame readFrame(InputStream in) throws IOException, ProtocolViolation {
            int first;
            try {
                first = in.read();
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (first < 0) {
                throw new EOFException();
            }
            byte[] header = new byte[WireFormat.HEADER_BYTES];
            header[0] = (byte) first;
            readFully(in, header, 1, header.length - 1, "header");
            ByteBuffer fields = ByteBuffer.wrap(header);
            int magic = fields.getInt();
            if (magic != WireFormat.MAGIC) {
                throw new ProtocolViolation(String.format(
                        "bad magic 0x%08x (expected 0x%08x: protocol version %d)",
                        magic, WireFormat.MAGIC, WireFormat.PROTOCOL_VERSION));
            }
            byte code = fields.get();
            FrameType type = FrameType.ofCode(code)
                    .orElseThrow(() -> new ProtocolViolation("unknown frame type " + (code & 0xFF)));
            int length = fields.getInt();
            if (length < 0 || length > settings.maxFrameBytes()) {
                throw new ProtocolViolation("a " + type + " frame of " + Integer.toUnsignedString(length)
                        + " bytes exceeds the limit of " + settings.maxFrameBytes());
            }
            // readNBytes grows its buffer as bytes arrive, so a header that lies about its length
            // costs memory only for what the peer really sends.
            byte[] payload;
            try {
                payload = in.readNBytes(length);
            } catch (SocketTimeoutException e) {
                throw new ProtocolViolation("a " + type + " frame was left unfinished for " + settings.readTimeout());
            }
            if (payload.length != length) {
                throw new ProtocolViolation("the connection ended inside a " + type + " frame");
            }
            return new Frame(type, payload);
        }

        private void readFully(InputStream in, byte[] into, int offset, int length, String what)
                throws IOException, ProtocolViolation {
            int read;
            try {
                read = in.readNBytes(into, offset, length);
            } catch (SocketTimeoutException e) {
                throw new ProtocolViolation("a frame " + what + " was left unfinished for " + settings.readTimeout());
            }
            if (read != length) {
                throw new ProtocolViolation("the connection ended inside a frame " + what);
            }
        }

        private Hello decodeHello(byte[] payload) throws ProtocolViolation {
            Hello decoded;
            try {
                decoded = Hello.decode(payload);
            } catch (MalformedFrameException e) {
                throw new ProtocolViolation(e.getMessage());
            }
            if (decoded.protocolVersion() != WireFormat.PROTOCOL_VERSION) {
                throw new ProtocolViolation("HELLO speaks protocol version " + decoded.protocolVersion()
                        + ", this server speaks " + WireFormat.PROTOCOL_VERSION);
            }
            if (tls != null
                    && tls.groupMustMatch()
                    && identity.isPresent()
                    && !identity.get().name().equals(decoded.groupId())) {
                tls.identity()
                        .refusals()
                        .refused(
                                peer,
                                RefusalReason.WRONG_ROLE,
                                "a " + identity.get() + " introduced itself as a member of " + decoded.groupId());
                throw new ProtocolViolation(
                        "certificate of " + identity.get() + " does not name group " + decoded.groupId());
            }
            Optional<String> refused = refusal.apply(decoded);
            if (refused.isPresent()) {
                throw new ProtocolViolation("refused member " + decoded.memberId() + " of group " + decoded.groupId()
                        + ": " + refused.get());
            }
            return decoded;
        }

        void dispatch() {
            try {
                while (!done) {
                    Frame frame = inbound.take();
                    try {
                        if (frame.type() == FrameType.REQUEST && requests != null) {
                            answer(Calls.decodeRequest(frame.payload()));
                        } else {
                            handlers.get(frame.type()).handle(hello, frame.payload());
                        }
                    } finally {
                        inboundBytes.release(frame.payload().length);
                    }
                }
            } catch (InterruptedException e) {
                // Closing.
            } catch (MalformedFrameException e) {
                warn("malformed payload: " + e.getMessage());
                close();
            } catch (RuntimeException e) {
                LOG.warn("wire: closing connection from {} after its handler failed", peer, e);
                close();
            }
        }

        /** Hands the request to the handler; its answer is written back whenever it completes. */
        private void answer(Calls.Request request) {
            CompletableFuture<byte[]> answer;
            Optional<String> refused = tls == null ? Optional.empty() : tls.callRefusal(identity, request.method());
            if (refused.isPresent()) {
                tls.identity()
                        .refusals()
                        .refused(
                                peer,
                                identity.isEmpty() ? RefusalReason.NO_CERTIFICATE : RefusalReason.WRONG_ROLE,
                                refused.get());
                reply(Calls.encodeResponse(
                        request.id(), Calls.STATUS_FAILED, Calls.failure("refused: " + refused.get())));
                return;
            }
            try {
                answer = requests.handle(hello, identity, request.method(), request.body());
            } catch (MalformedFrameException e) {
                throw e;
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            if (answer == null) {
                answer = CompletableFuture.failedFuture(new IllegalStateException("the handler gave no answer"));
            }
            answer.whenComplete((body, error) -> {
                if (error == null) {
                    reply(Calls.encodeResponse(request.id(), Calls.STATUS_OK, body == null ? new byte[0] : body));
                    return;
                }
                Throwable cause = Failures.unwrap(error);
                if (cause instanceof CallFailedException failed) {
                    int status = failed.reason() == CallFailedException.Reason.UNKNOWN_METHOD
                            ? Calls.STATUS_UNKNOWN_METHOD
                            : Calls.STATUS_FAILED;
                    reply(Calls.encodeResponse(
                            request.id(), status, Calls.failure(String.valueOf(failed.getMessage()))));
                } else {
                    LOG.warn("wire: {} from {} failed", request.method(), peer, cause);
                    reply(Calls.encodeResponse(
                            request.id(),
                            Calls.STATUS_FAILED,
                            Calls.failure(
                                    "internal error while answering " + request.method() + " (see the peer's log)")));
                }
            });
        }

        private void reply(byte[] payload) {
            if (done) {
                return;
            }
            if (payload.length > settings.maxFrameBytes()) {
                LOG.warn("wire: an answer of {} bytes to {} is over the frame limit; not sent", payload.length, peer);
                return;
            }
            synchronized (this) {
                if (replier == null) {
                    replier = Thread.ofVirtual().name("wire-reply-" + peer).start(this::writeReplies);
                }
            }
            if (!replies.offer(WireFormat.encode(FrameType.RESPONSE, payload))) {
                // The caller does not read its answers; it will time out its calls.
                LOG.debug("wire: dropped an answer to {}: {} answers unread", peer, replies.size());
            }
        }

        private boolean replyStuck() {
            long since = writingSince;
            return since != 0
                    && System.nanoTime() - since > settings.writeTimeout().toNanos();
        }

        private void writeReplies() {
            try {
                java.io.OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
                while (!done) {
                    byte[] frame = replies.take();
                    writingSince = System.nanoTime();
                    out.write(frame);
                    if (replies.isEmpty()) {
                        out.flush();
                    }
                    writingSince = 0;
                }
            } catch (InterruptedException e) {
                // Closing.
            } catch (IOException e) {
                LOG.debug("wire: cannot answer {}: {}", peer, e.toString());
                close();
            }
        }

        private void warn(String reason) {
            violations.incrementAndGet();
            Hello h = hello;
            LOG.warn("wire: closed connection from {}{}: {}", peer, h == null ? "" : " (" + h.memberId() + ")", reason);
        }

        void close() {
            if (!closing.compareAndSet(false, true)) {
                return;
            }
            done = true;
            connections.remove(this);
            closeQuietly(socket);
            interruptUnlessCurrent(reader);
            interruptUnlessCurrent(dispatcher);
            interruptUnlessCurrent(replier);
        }
    }

    private static void interruptUnlessCurrent(Thread thread) {
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Already closed or broken; nothing more to release.
        }
    }
}
