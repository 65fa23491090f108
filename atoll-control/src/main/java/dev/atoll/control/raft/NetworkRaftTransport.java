package dev.atoll.control.raft;

import dev.atoll.wire.FrameHandler;
import dev.atoll.wire.FrameType;
import dev.atoll.wire.Hello;
import dev.atoll.wire.MalformedFrameException;
import dev.atoll.wire.WireClient;
import dev.atoll.wire.WireServer;
import dev.atoll.wire.WireSettings;
import io.microraft.RaftEndpoint;
import io.microraft.RaftNode;
import io.microraft.model.message.RaftMessage;
import io.microraft.transport.Transport;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft messages between members in different processes, as RAFT frames of the wire protocol
 * (atoll-wire/PROTOCOL.md). One {@link WireServer} takes the frames addressed to the local member and
 * hands them to its {@link RaftNode}; one {@link WireClient} per peer sends to it. {@link #send}
 * never blocks and never throws: a message to a peer that is down or slow is dropped (and counted),
 * which Raft tolerates.
 *
 * <p>A peer is admitted only if its HELLO names this group and a member of it other than the local
 * one; a RAFT frame whose sender differs from the HELLO closes the connection.
 */
public final class NetworkRaftTransport implements Transport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkRaftTransport.class);

    private final String groupId;
    private final String localMemberId;
    private final Map<String, InetSocketAddress> members;
    private final InetSocketAddress bind;
    private final WireSettings settings;
    private final ScheduledExecutorService scheduler;
    private final Map<String, WireClient> peers = new LinkedHashMap<>();
    private final Map<FrameType, FrameHandler> handlers = new EnumMap<>(FrameType.class);
    private volatile RaftNode node;
    private WireServer server;
    private final dev.atoll.wire.tls.WireTls tls;

    /**
     * @param members every member's address, the local one included (others connect to it)
     * @param bind where the local member listens; often its own entry of {@code members}, or a
     *     wildcard address with the same port
     */
    public NetworkRaftTransport(
            String groupId,
            String localMemberId,
            Map<String, InetSocketAddress> members,
            InetSocketAddress bind,
            WireSettings settings) {
        this(groupId, localMemberId, members, bind, settings, null);
    }

    /** The same over mutually authenticated TLS by {@code tls} (null: plain TCP). */
    public NetworkRaftTransport(
            String groupId,
            String localMemberId,
            Map<String, InetSocketAddress> members,
            InetSocketAddress bind,
            WireSettings settings,
            dev.atoll.wire.tls.WireTls tls) {
        this.tls = tls;
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.localMemberId = Objects.requireNonNull(localMemberId, "localMemberId");
        this.members = Map.copyOf(members);
        this.bind = Objects.requireNonNull(bind, "bind");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (!this.members.containsKey(localMemberId)) {
            throw new IllegalArgumentException(
                    "local member " + localMemberId + " is not among the members " + this.members.keySet());
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "wire-" + groupId + "-" + localMemberId + "-timers");
            thread.setDaemon(true);
            return thread;
        });
        Hello hello = Hello.of(groupId, localMemberId);
        members.forEach((id, address) -> {
            if (!id.equals(localMemberId)) {
                peers.put(id, new WireClient(id, address, hello, settings, scheduler, tls));
            }
        });
        handlers.put(FrameType.RAFT, this::deliver);
    }

    /** Adds the handler of another frame type (for example FORWARD); call before {@link #start}. */
    public synchronized void onFrame(FrameType type, FrameHandler handler) {
        if (server != null) {
            throw new IllegalStateException("handlers are fixed once the transport has started");
        }
        if (type == FrameType.HELLO || type == FrameType.RAFT) {
            throw new IllegalArgumentException(type + " frames are handled by the transport itself");
        }
        handlers.put(type, Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Starts listening.
     *
     * @return the bound address
     * @throws java.io.UncheckedIOException naming the address when it cannot be bound
     */
    public synchronized InetSocketAddress start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = new WireServer(bind, settings, this::refusal, handlers, null, tls);
        return server.start();
    }

    /** From now on, RAFT frames are handed to {@code local}; before, they are dropped. */
    public void connect(RaftNode local) {
        this.node = local;
    }

    /** Stops handing frames to the local node. */
    public void disconnect() {
        this.node = null;
    }

    private Optional<String> refusal(Hello hello) {
        if (!groupId.equals(hello.groupId())) {
            return Optional.of("this is group " + groupId);
        }
        if (hello.memberId().equals(localMemberId)) {
            return Optional.of("that is this member's own id");
        }
        if (!members.containsKey(hello.memberId())) {
            return Optional.of("not a member; members are " + new java.util.TreeSet<>(members.keySet()));
        }
        return Optional.empty();
    }

    private void deliver(Hello from, byte[] payload) {
        RaftMessage message;
        try {
            message = RaftMessageCodec.decode(payload);
        } catch (RaftLogCodec.MalformedRecordException e) {
            throw new MalformedFrameException("RAFT payload does not decode: " + e.getMessage(), e);
        }
        if (!from.memberId().equals(String.valueOf(message.getSender().getId()))
                || !groupId.equals(message.getGroupId())) {
            throw new MalformedFrameException("a RAFT message from " + message.getSender() + " of group "
                    + message.getGroupId() + " arrived on the connection of " + from.memberId());
        }
        RaftNode local = node;
        if (local == null) {
            return;
        }
        try {
            local.handle(message);
        } catch (RejectedExecutionException e) {
            // The node is terminating: the message is lost, as on a network.
        }
    }

    @Override
    public void send(RaftEndpoint target, RaftMessage message) {
        WireClient peer = peers.get(String.valueOf(target.getId()));
        if (peer == null) {
            return;
        }
        byte[] payload;
        try {
            payload = RaftMessageCodec.encode(message);
        } catch (RuntimeException e) {
            LOG.warn(
                    "Raft group {}: cannot send {} to {}",
                    groupId,
                    message.getClass().getSimpleName(),
                    target,
                    e);
            return;
        }
        peer.send(FrameType.RAFT, payload);
    }

    @Override
    public boolean isReachable(RaftEndpoint endpoint) {
        String id = String.valueOf(endpoint.getId());
        if (id.equals(localMemberId)) {
            return true;
        }
        WireClient peer = peers.get(id);
        return peer != null && peer.isReachable();
    }

    /**
     * Queues a frame for a member; never blocks.
     *
     * @param onUndelivered run if the frame certainly never left this process
     * @return false if the frame was dropped already (unknown member, queue overflow, closed)
     */
    public boolean sendFrame(String memberId, FrameType type, byte[] payload, Runnable onUndelivered) {
        WireClient peer = peers.get(memberId);
        if (peer == null) {
            if (onUndelivered != null) {
                onUndelivered.run();
            }
            return false;
        }
        return peer.send(type, payload, onUndelivered);
    }

    /** Frames to peers dropped so far: overflow, failed connections, failed writes. */
    public long droppedFrames() {
        return peers.values().stream().mapToLong(WireClient::droppedFrames).sum();
    }

    /** Connections closed because a peer broke the protocol. */
    public long protocolViolations() {
        WireServer current = server;
        return current == null ? 0 : current.protocolViolations();
    }

    @Override
    public synchronized void close() {
        node = null;
        if (server != null) {
            server.close();
        }
        peers.values().forEach(WireClient::close);
        scheduler.shutdownNow();
    }
}
