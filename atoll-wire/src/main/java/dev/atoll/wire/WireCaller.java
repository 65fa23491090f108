package dev.atoll.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls methods of one peer: REQUEST frames out, RESPONSE frames back on the same connection (see
 * PROTOCOL.md). {@link #call} never blocks: one virtual thread connects lazily and writes, another
 * reads answers. A lost connection fails every call waiting on it ({@link
 * CallFailedException.Reason#UNREACHABLE}); the next call connects again. Calls are not retried
 * here: only the caller knows whether running one twice is harmless.
 */
public final class WireCaller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WireCaller.class);

    private final String peerName;
    private final InetSocketAddress address;
    private final byte[] helloFrame;
    private final WireSettings settings;
    private final int maxInFlight;
    private final dev.atoll.wire.tls.WireTls tls;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<byte[]>> waiting = new ConcurrentHashMap<>();
    /** One thread writes, in call order; it also connects, so connecting never blocks a caller. */
    private final ExecutorService writer;

    private Socket socket;
    private OutputStream out;
    private volatile boolean closed;

    /**
     * @param peerName how messages name the peer (a site, a controller)
     * @param hello who this side is; sent first on every connection
     * @param maxInFlight calls that may wait for their answer at once; more fail at once as
     *     {@link CallFailedException.Reason#OVERLOADED}
     */
    public WireCaller(String peerName, InetSocketAddress address, Hello hello, WireSettings settings, int maxInFlight) {
        this(peerName, address, hello, settings, maxInFlight, null);
    }

    /** A caller whose connections are TLS by {@code tls} (null: plain TCP). */
    public WireCaller(
            String peerName,
            InetSocketAddress address,
            Hello hello,
            WireSettings settings,
            int maxInFlight,
            dev.atoll.wire.tls.WireTls tls) {
        this.tls = tls;
        this.peerName = Objects.requireNonNull(peerName, "peerName");
        this.address = Objects.requireNonNull(address, "address");
        this.helloFrame = WireFormat.encode(FrameType.HELLO, hello.encode());
        this.settings = Objects.requireNonNull(settings, "settings");
        this.maxInFlight = maxInFlight;
        this.writer = Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("wire-call-" + peerName).factory());
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Calls {@code method} with {@code body}; the future completes with the answer's body or fails. */
    public CompletableFuture<byte[]> call(String method, byte[] body, Duration timeout) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(body, "body");
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        if (closed) {
            answer.completeExceptionally(unreachable("the caller is closed"));
            return answer;
        }
        if (waiting.size() >= maxInFlight) {
            answer.completeExceptionally(new CallFailedException(
                    CallFailedException.Reason.OVERLOADED,
                    maxInFlight + " calls to " + peerName + " are already waiting for their answer"));
            return answer;
        }
        long id = ids.incrementAndGet();
        byte[] payload = Calls.encodeRequest(id, method, body);
        if (payload.length > settings.maxFrameBytes()) {
            answer.completeExceptionally(new IllegalArgumentException(
                    "a call of " + payload.length + " bytes is over the frame limit of " + settings.maxFrameBytes()));
            return answer;
        }
        waiting.put(id, answer);
        answer.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            writer.execute(() -> send(id, WireFormat.encode(FrameType.REQUEST, payload)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            fail(id, unreachable("the caller is closed"));
        }
        return answer.handle((r, e) -> {
            // Forgotten before the caller hears the outcome (a separate stage could run after it).
            waiting.remove(id);
            if (e instanceof TimeoutException) {
                throw new CallFailedException(
                        CallFailedException.Reason.TIMED_OUT,
                        peerName + " did not answer " + method + " within " + timeout.toMillis() + " ms");
            }
            if (e != null) {
                throw e instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(e);
            }
            return r;
        });
    }

    /** Calls waiting for their answer now. */
    public int inFlight() {
        return waiting.size();
    }

    private void send(long id, byte[] frame) {
        if (!waiting.containsKey(id)) {
            return; // timed out while queued
        }
        try {
            if (socket == null) {
                connect();
            }
            out.write(frame);
            out.flush();
        } catch (IOException e) {
            LOG.debug("wire: call to {} at {} failed: {}", peerName, address, e.toString());
            dropConnection(socket, "cannot reach " + peerName + " at " + address + ": " + e.getMessage());
        }
    }

    private void connect() throws IOException {
        Socket fresh = new Socket();
        try {
            fresh.setTcpNoDelay(true);
            fresh.setKeepAlive(true);
            fresh.connect(address, Math.toIntExact(settings.connectTimeout().toMillis()));
            if (tls != null) {
                fresh.setSoTimeout(Math.toIntExact(settings.connectTimeout().toMillis()));
                fresh = tls.connect(fresh, address);
                fresh.setSoTimeout(0);
            }
            OutputStream stream = new BufferedOutputStream(fresh.getOutputStream(), 64 * 1024);
            stream.write(helloFrame);
            socket = fresh;
            out = stream;
        } catch (IOException e) {
            closeQuietly(fresh);
            throw e;
        }
        Socket reading = fresh;
        Thread.ofVirtual().name("wire-answers-" + peerName).start(() -> readAnswers(reading));
    }

    private void readAnswers(Socket from) {
        String why = "the connection to " + peerName + " closed";
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(from.getInputStream(), 64 * 1024));
            while (!closed) {
                int magic = in.readInt();
                if (magic != WireFormat.MAGIC) {
                    why = peerName + " speaks another protocol (magic 0x" + Integer.toHexString(magic) + ")";
                    break;
                }
                byte type = in.readByte();
                int length = in.readInt();
                if (type != FrameType.RESPONSE.code() || length < 0 || length > settings.maxFrameBytes()) {
                    why = peerName + " sent a frame that is not an answer";
                    break;
                }
                byte[] payload = new byte[length];
                in.readFully(payload);
                Calls.Response response = Calls.decodeResponse(payload);
                CompletableFuture<byte[]> answer = waiting.remove(response.id());
                if (answer == null) {
                    continue; // timed out already
                }
                switch (response.status()) {
                    case Calls.STATUS_OK -> answer.complete(response.body());
                    case Calls.STATUS_UNKNOWN_METHOD ->
                        answer.completeExceptionally(new CallFailedException(
                                CallFailedException.Reason.UNKNOWN_METHOD, peerName + ": " + response.message()));
                    default ->
                        answer.completeExceptionally(new CallFailedException(
                                CallFailedException.Reason.REFUSED, peerName + ": " + response.message()));
                }
            }
        } catch (EOFException e) {
            why = peerName + " closed the connection";
        } catch (IOException | MalformedFrameException e) {
            why = "lost the connection to " + peerName + ": " + e.getMessage();
        }
        String reason = why;
        try {
            writer.execute(() -> dropConnection(from, reason));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            failAll(reason);
        }
    }

    /** On the writer thread: forget the connection (if still current) and fail calls waiting on it. */
    private void dropConnection(Socket broken, String reason) {
        if (broken != null) {
            closeQuietly(broken);
        }
        if (socket == broken) {
            socket = null;
            out = null;
            failAll(reason);
        }
    }

    private void failAll(String reason) {
        for (Long id : waiting.keySet()) {
            fail(id, unreachable(reason));
        }
    }

    private void fail(long id, CallFailedException error) {
        CompletableFuture<byte[]> answer = waiting.remove(id);
        if (answer != null) {
            answer.completeExceptionally(error);
        }
    }

    private static CallFailedException unreachable(String message) {
        return new CallFailedException(CallFailedException.Reason.UNREACHABLE, message);
    }

    @Override
    public void close() {
        closed = true;
        writer.execute(() -> {
            if (socket != null) {
                closeQuietly(socket);
                socket = null;
            }
            failAll("the caller is closed");
        });
        writer.shutdown();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }
}
