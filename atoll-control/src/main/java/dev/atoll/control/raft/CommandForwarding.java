package dev.atoll.control.raft;

import static dev.atoll.wire.Failures.unwrap;

import dev.atoll.wire.FrameType;
import dev.atoll.wire.Hello;
import dev.atoll.wire.MalformedFrameException;
import io.microraft.RaftEndpoint;
import io.microraft.exception.CannotReplicateException;
import io.microraft.exception.IndeterminateStateException;
import io.microraft.exception.NotLeaderException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A follower's commands travel to the leader in FORWARD frames and their outcome comes back in
 * FORWARD_RESULT frames (both one-way, each on the sender's own connection; see atoll-wire/PROTOCOL.md).
 *
 * <p>The outcome is one of: the result; "not leader" or "cannot replicate now" (the command was
 * certainly not appended, so {@link RaftGroup#submit} retries); "indeterminate" (the leader stopped
 * before knowing, or no answer came within the timeout: a retry could apply it twice); or a failure
 * message from the state machine.
 */
final class CommandForwarding {
    private static final byte OK = 0;
    private static final byte NOT_LEADER = 1;
    private static final byte CANNOT_REPLICATE = 2;
    private static final byte INDETERMINATE = 3;
    private static final byte FAILED = 4;
    private static final int MAX_MESSAGE_CHARS = 1000;

    private final NetworkRaftTransport transport;
    private final ResultCodec results;
    private final ScheduledExecutorService scheduler;
    private final Duration timeout;
    private final Function<byte[], CompletableFuture<Object>> replicateHere;
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();

    /**
     * @param replicateHere replicates a command through the local member if it leads, else fails
     *     with {@link NotLeaderException}
     */
    CommandForwarding(
            NetworkRaftTransport transport,
            ResultCodec results,
            ScheduledExecutorService scheduler,
            Duration timeout,
            Function<byte[], CompletableFuture<Object>> replicateHere) {
        this.transport = transport;
        this.results = results;
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.replicateHere = replicateHere;
    }

    /** Sends the command to {@code leaderId}; completes with its result or why it failed. */
    CompletableFuture<Object> forward(String leaderId, byte[] command) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        if (!transport.isReachable(new MemberEndpoint(leaderId))) {
            outcome.completeExceptionally(new CannotReplicateException(new MemberEndpoint(leaderId)));
            return outcome;
        }
        long id = nextId.incrementAndGet();
        pending.put(id, outcome);
        ScheduledFuture<?> timer;
        try {
            timer = scheduler.schedule(
                    () -> fail(id, new IndeterminateStateException(new MemberEndpoint(leaderId))),
                    timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            pending.remove(id);
            outcome.completeExceptionally(new IllegalStateException("the Raft group is closed"));
            return outcome;
        }
        outcome.whenComplete((result, failure) -> {
            pending.remove(id);
            timer.cancel(false);
        });
        transport.sendFrame(
                leaderId,
                FrameType.FORWARD,
                encodeForward(id, command),
                () -> fail(id, new CannotReplicateException(new MemberEndpoint(leaderId))));
        return outcome;
    }

    /** Leader side: a FORWARD frame from a follower. */
    void onForward(Hello from, byte[] payload) {
        long id;
        byte[] command;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            id = in.readLong();
            int length = in.readInt();
            if (length < 0 || length != in.available()) {
                throw new IOException("command length " + length + " does not match the frame");
            }
            command = in.readNBytes(length);
        } catch (IOException e) {
            throw new MalformedFrameException("FORWARD does not decode: " + e.getMessage(), e);
        }
        CompletableFuture<Object> replicated;
        try {
            replicated = replicateHere.apply(command);
        } catch (RuntimeException e) {
            replicated = CompletableFuture.failedFuture(e);
        }
        replicated.whenComplete((result, failure) -> transport.sendFrame(
                from.memberId(), FrameType.FORWARD_RESULT, encodeResult(id, result, unwrap(failure)), null));
    }

    /** Follower side: the leader's answer. An answer nobody waits for any more is ignored. */
    void onResult(Hello from, byte[] payload) {
        long id;
        Object result = null;
        Throwable failure = null;
        RaftEndpoint sender = new MemberEndpoint(from.memberId());
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            id = in.readLong();
            byte status = in.readByte();
            switch (status) {
                case OK -> {
                    int length = in.readInt();
                    if (length < 0 || length != in.available()) {
                        throw new IOException("result length " + length + " does not match the frame");
                    }
                    byte[] encoded = in.readNBytes(length);
                    try {
                        result = results.decode(encoded);
                    } catch (RuntimeException e) {
                        failure = new ForwardedCommandFailedException(
                                "the leader's result does not decode here: " + e.getMessage());
                    }
                }
                case NOT_LEADER -> failure = new NotLeaderException(sender, endpointOrNull(in.readUTF()));
                case CANNOT_REPLICATE -> failure = new CannotReplicateException(endpointOrNull(in.readUTF()));
                case INDETERMINATE -> failure = new IndeterminateStateException(sender);
                case FAILED -> failure = new ForwardedCommandFailedException(in.readUTF());
                default -> throw new IOException("unknown status " + status);
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " trailing bytes");
            }
        } catch (IOException | RuntimeException e) {
            throw new MalformedFrameException("FORWARD_RESULT does not decode: " + e.getMessage(), e);
        }
        CompletableFuture<Object> outcome = pending.remove(id);
        if (outcome == null) {
            return;
        }
        if (failure == null) {
            outcome.complete(result);
        } else {
            outcome.completeExceptionally(failure);
        }
    }

    /** Fails every forward still waiting. */
    void close(Throwable reason) {
        for (Long id : pending.keySet()) {
            fail(id, reason);
        }
    }

    private void fail(long id, Throwable failure) {
        CompletableFuture<Object> outcome = pending.remove(id);
        if (outcome != null) {
            outcome.completeExceptionally(failure);
        }
    }

    private static byte[] encodeForward(long id, byte[] command) {
        return write(out -> {
            out.writeLong(id);
            out.writeInt(command.length);
            out.write(command);
        });
    }

    private byte[] encodeResult(long id, Object result, Throwable failure) {
        if (failure == null) {
            byte[] encoded;
            try {
                encoded = results.encode(result);
            } catch (RuntimeException e) {
                return encodeResult(
                        id,
                        null,
                        new ForwardedCommandFailedException(
                                "the command was applied but its result cannot be sent: " + e.getMessage()));
            }
            return write(out -> {
                out.writeLong(id);
                out.writeByte(OK);
                out.writeInt(encoded.length);
                out.write(encoded);
            });
        }
        return write(out -> {
            out.writeLong(id);
            switch (failure) {
                case NotLeaderException e -> {
                    out.writeByte(NOT_LEADER);
                    out.writeUTF(idOrEmpty(e.getLeader()));
                }
                case CannotReplicateException e -> {
                    out.writeByte(CANNOT_REPLICATE);
                    out.writeUTF(idOrEmpty(e.getLeader()));
                }
                case IndeterminateStateException e -> out.writeByte(INDETERMINATE);
                default -> {
                    out.writeByte(FAILED);
                    String message = String.valueOf(failure.getMessage() == null ? failure : failure.getMessage());
                    out.writeUTF(
                            message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) : message);
                }
            }
        });
    }

    private static String idOrEmpty(RaftEndpoint endpoint) {
        return endpoint == null ? "" : String.valueOf(endpoint.getId());
    }

    private static RaftEndpoint endpointOrNull(String id) {
        return id.isEmpty() ? null : new MemberEndpoint(id);
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }
}
