package dev.atoll.wire;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends frames to one peer. {@link #send} never blocks: it queues the frame and a writer (a virtual
 * thread that runs only while there is something to send) connects lazily, introduces itself with a
 * HELLO and writes. The queue is bounded; when it is full the oldest frame is dropped and counted,
 * which suits Raft (it retransmits) and heartbeats (only the latest matters).
 *
 * <p>When a connection fails the client waits before connecting again, from {@link
 * WireSettings#reconnectMin} doubling up to {@link WireSettings#reconnectMax}. Frames queued when a
 * connection attempt fails are dropped: they are stale by the time the peer is back. A caller that
 * must know whether a frame certainly never left passes an {@code onUndelivered} callback.
 */
public final class WireClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WireClient.class);

    private final String peerName;
    private final InetSocketAddress address;
    private final byte[] helloFrame;
    private final WireSettings settings;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong dropped = new AtomicLong();
    private final dev.atoll.wire.tls.WireTls tls;

    /** Guarded by this. */
    private final ArrayDeque<Outbound> queue = new ArrayDeque<>();

    private long queuedBytes;
    private boolean writing;
    private boolean waitingToReconnect;
    private boolean closed;
    private Duration backoff;

    /** Owned by the writer thread; close() may close it from outside. */
    private volatile Socket socket;

    private OutputStream out;
    private volatile boolean reachable = true;

    private record Outbound(byte[] frame, Runnable onUndelivered) {}

    /**
     * @param peerName how logs name the peer (its member id)
     * @param hello who this side is; sent first on every connection
     * @param scheduler runs reconnect delays and write timeouts; shared, not owned
     */
    public WireClient(
            String peerName,
            InetSocketAddress address,
            Hello hello,
            WireSettings settings,
            ScheduledExecutorService scheduler) {
        this(peerName, address, hello, settings, scheduler, null);
    }

    /** A client whose connections are TLS by {@code tls} (null: plain TCP). */
    public WireClient(
            String peerName,
            InetSocketAddress address,
            Hello hello,
            WireSettings settings,
            ScheduledExecutorService scheduler,
            dev.atoll.wire.tls.WireTls tls) {
        this.tls = tls;
        this.peerName = Objects.requireNonNull(peerName, "peerName");
        this.address = Objects.requireNonNull(address, "address");
        this.helloFrame = WireFormat.encode(FrameType.HELLO, hello.encode());
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.backoff = settings.reconnectMin();
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Queues a frame; see {@link #send(FrameType, byte[], Runnable)}. */
    public boolean send(FrameType type, byte[] payload) {
        return send(type, payload, null);
    }

    /**
     * Queues a frame for the peer and returns at once.
     *
     * @param onUndelivered run (on some thread, at most once) if this frame is dropped without having
     *     been written to a socket: pushed out of a full queue, queued when a connection attempt
     *     failed, too large, or the client closed. Not run for a frame written to a connection that
     *     later failed: the peer may have read it.
     * @return false if the frame was dropped already
     */
    public boolean send(FrameType type, byte[] payload, Runnable onUndelivered) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (payload.length > settings.maxFrameBytes()) {
            LOG.warn(
                    "wire: dropped a {} frame of {} bytes for {}: over the limit of {}",
                    type,
                    payload.length,
                    peerName,
                    settings.maxFrameBytes());
            undelivered(List.of(new Outbound(new byte[0], onUndelivered)));
            return false;
        }
        Outbound outbound = new Outbound(WireFormat.encode(type, payload), onUndelivered);
        List<Outbound> evicted = new ArrayList<>(0);
        boolean startWriter = false;
        synchronized (this) {
            if (closed) {
                evicted.add(outbound);
            } else {
                queue.addLast(outbound);
                queuedBytes += outbound.frame().length;
                while (queue.size() > settings.outboundQueueFrames()
                        || (queuedBytes > settings.outboundQueueBytes() && queue.size() > 1)) {
                    Outbound oldest = queue.removeFirst();
                    queuedBytes -= oldest.frame().length;
                    evicted.add(oldest);
                }
                if (!writing && !waitingToReconnect) {
                    writing = true;
                    startWriter = true;
                }
            }
        }
        undelivered(evicted);
        if (startWriter) {
            startWriter();
        }
        return !evicted.contains(outbound);
    }

    /** Frames dropped since creation: queue overflow, failed connections, failed writes. */
    public long droppedFrames() {
        return dropped.get();
    }

    /** False while the last connection attempt failed and the client waits to try again. */
    public boolean isReachable() {
        return reachable;
    }

    private void startWriter() {
        Thread.ofVirtual().name("wire-out-" + peerName).start(this::writeQueued);
    }

    private void writeQueued() {
        while (true) {
            boolean stop;
            boolean closing;
            synchronized (this) {
                closing = closed;
                stop = closed || queue.isEmpty();
                if (stop) {
                    writing = false;
                }
            }
            if (stop) {
                Socket current = socket;
                if (closing && current != null) {
                    // close() may have run while this writer was connecting.
                    closeQuietly(current);
                }
                return;
            }
            if (socket == null && !connect()) {
                return;
            }
            List<Outbound> batch;
            synchronized (this) {
                batch = new ArrayList<>(queue);
                queue.clear();
                queuedBytes = 0;
            }
            if (!write(batch)) {
                return;
            }
        }
    }

    private boolean connect() {
        Socket fresh = new Socket();
        try {
            fresh.setTcpNoDelay(true);
            fresh.setKeepAlive(true);
            fresh.connect(address, Math.toIntExact(settings.connectTimeout().toMillis()));
            Socket connected = fresh;
            if (tls != null) {
                fresh.setSoTimeout(Math.toIntExact(settings.connectTimeout().toMillis()));
                connected = tls.connect(fresh, address);
                fresh = connected;
            }
            out = new BufferedOutputStream(connected.getOutputStream(), 64 * 1024);
            out.write(helloFrame);
            socket = connected;
            synchronized (this) {
                backoff = settings.reconnectMin();
            }
            if (!reachable) {
                LOG.info("wire: connected to {} at {} again", peerName, address);
            }
            reachable = true;
            return true;
        } catch (IOException | RuntimeException e) {
            closeQuietly(fresh);
            if (reachable) {
                LOG.info(
                        "wire: cannot connect to {} at {}: {}; retrying with back-off",
                        peerName,
                        address,
                        e.toString());
            }
            reachable = false;
            List<Outbound> lost;
            synchronized (this) {
                lost = new ArrayList<>(queue);
                queue.clear();
                queuedBytes = 0;
            }
            undelivered(lost);
            waitAndReconnect();
            return false;
        }
    }

    private boolean write(List<Outbound> batch) {
        Socket current = socket;
        ScheduledFuture<?> watchdog = schedule(() -> closeQuietly(current), settings.writeTimeout());
        try {
            for (Outbound outbound : batch) {
                out.write(outbound.frame());
            }
            out.flush();
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.debug("wire: connection to {} failed while writing: {}", peerName, e.toString());
            // The peer may have read some of these, so they are not reported as undelivered.
            dropped.addAndGet(batch.size());
            closeQuietly(current);
            socket = null;
            waitAndReconnect();
            return false;
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
    }

    /** Called by the writer as it gives up; it stays stopped until the delay has passed. */
    private void waitAndReconnect() {
        Duration delay;
        synchronized (this) {
            writing = false;
            if (closed) {
                return;
            }
            waitingToReconnect = true;
            delay = backoff;
            Duration doubled = backoff.multipliedBy(2);
            backoff = doubled.compareTo(settings.reconnectMax()) > 0 ? settings.reconnectMax() : doubled;
        }
        if (schedule(this::resume, delay) == null) {
            synchronized (this) {
                waitingToReconnect = false;
            }
        }
    }

    private void resume() {
        synchronized (this) {
            waitingToReconnect = false;
            if (closed || writing || queue.isEmpty()) {
                return;
            }
            writing = true;
        }
        startWriter();
    }

    private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void undelivered(List<Outbound> frames) {
        for (Outbound frame : frames) {
            dropped.incrementAndGet();
            if (frame.onUndelivered() != null) {
                try {
                    frame.onUndelivered().run();
                } catch (RuntimeException e) {
                    LOG.warn("wire: a callback for an undelivered frame to {} failed", peerName, e);
                }
            }
        }
    }

    /** Drops what is queued (reporting it undelivered) and closes the connection. */
    @Override
    public void close() {
        List<Outbound> lost;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            lost = new ArrayList<>(queue);
            queue.clear();
            queuedBytes = 0;
        }
        Socket current = socket;
        if (current != null) {
            closeQuietly(current);
        }
        undelivered(lost);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }
}
