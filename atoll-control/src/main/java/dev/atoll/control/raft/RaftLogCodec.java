package dev.atoll.control.raft;

import io.microraft.MembershipChangeMode;
import io.microraft.RaftEndpoint;
import io.microraft.model.RaftModelFactory;
import io.microraft.model.groupop.UpdateRaftGroupMembersOp;
import io.microraft.model.impl.DefaultRaftModelFactory;
import io.microraft.model.log.LogEntry;
import io.microraft.model.log.RaftGroupMembersView;
import io.microraft.model.log.SnapshotChunk;
import io.microraft.model.persistence.RaftEndpointPersistentState;
import io.microraft.model.persistence.RaftTermPersistentState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The on-disk form of MicroRaft's model objects. Every record starts with a format version so that a
 * store written by a later Atoll is refused rather than misread.
 *
 * <p>Operations in the log are one of: a state machine command ({@code byte[]}), a {@link
 * GroupMarker}, or MicroRaft's own {@link UpdateRaftGroupMembersOp} (only written if membership
 * ever changes; {@link RaftGroup} does not change it yet, but a log that holds one still loads).
 * Snapshot chunks carry the {@code byte[]} of {@link ReplicatedStateMachine#snapshot()}.
 */
final class RaftLogCodec {
    static final RaftModelFactory MODEL = new DefaultRaftModelFactory();

    private static final byte FORMAT_VERSION = 1;
    private static final byte OP_COMMAND = 1;
    private static final byte OP_MARKER = 2;
    private static final byte OP_MEMBERSHIP = 3;

    private RaftLogCodec() {}

    static byte[] encodeLogEntry(LogEntry entry) {
        return write(out -> {
            out.writeLong(entry.getIndex());
            out.writeInt(entry.getTerm());
            writeOperation(out, entry.getOperation());
        });
    }

    static LogEntry decodeLogEntry(byte[] bytes) {
        return read(bytes, in -> MODEL.createLogEntryBuilder()
                .setIndex(in.readLong())
                .setTerm(in.readInt())
                .setOperation(readOperation(in))
                .build());
    }

    static byte[] encodeSnapshotChunk(SnapshotChunk chunk) {
        return write(out -> {
            out.writeLong(chunk.getIndex());
            out.writeInt(chunk.getTerm());
            out.writeInt(chunk.getSnapshotChunkIndex());
            out.writeInt(chunk.getSnapshotChunkCount());
            writeMembers(out, chunk.getGroupMembersView());
            writeOperation(out, chunk.getOperation());
        });
    }

    static SnapshotChunk decodeSnapshotChunk(byte[] bytes) {
        return read(bytes, in -> MODEL.createSnapshotChunkBuilder()
                .setIndex(in.readLong())
                .setTerm(in.readInt())
                .setSnapshotChunkIndex(in.readInt())
                .setSnapshotChunkCount(in.readInt())
                .setGroupMembersView(readMembers(in))
                .setOperation(readOperation(in))
                .build());
    }

    static byte[] encodeMembersView(RaftGroupMembersView view) {
        return write(out -> writeMembers(out, view));
    }

    static RaftGroupMembersView decodeMembersView(byte[] bytes) {
        return read(bytes, RaftLogCodec::readMembers);
    }

    static byte[] encodeLocalEndpoint(RaftEndpointPersistentState state) {
        return write(out -> {
            writeEndpoint(out, state.getLocalEndpoint());
            out.writeBoolean(state.isVoting());
        });
    }

    static RaftEndpointPersistentState decodeLocalEndpoint(byte[] bytes) {
        return read(bytes, in -> MODEL.createRaftEndpointPersistentStateBuilder()
                .setLocalEndpoint(readEndpoint(in))
                .setVoting(in.readBoolean())
                .build());
    }

    static byte[] encodeTerm(RaftTermPersistentState state) {
        return write(out -> {
            out.writeInt(state.getTerm());
            out.writeBoolean(state.getVotedFor() != null);
            if (state.getVotedFor() != null) {
                writeEndpoint(out, state.getVotedFor());
            }
        });
    }

    static RaftTermPersistentState decodeTerm(byte[] bytes) {
        return read(bytes, in -> {
            int term = in.readInt();
            RaftEndpoint votedFor = in.readBoolean() ? readEndpoint(in) : null;
            return MODEL.createRaftTermPersistentStateBuilder()
                    .setTerm(term)
                    .setVotedFor(votedFor)
                    .build();
        });
    }

    private static void writeOperation(DataOutputStream out, Object operation) throws IOException {
        switch (operation) {
            case byte[] command -> {
                out.writeByte(OP_COMMAND);
                out.writeInt(command.length);
                out.write(command);
            }
            case GroupMarker marker -> {
                out.writeByte(OP_MARKER);
                out.writeByte(marker.ordinal());
            }
            case UpdateRaftGroupMembersOp op -> {
                out.writeByte(OP_MEMBERSHIP);
                writeEndpoints(out, op.getMembers());
                writeEndpoints(out, op.getVotingMembers());
                writeEndpoint(out, op.getEndpoint());
                out.writeUTF(op.getMode().name());
            }
            default ->
                throw new IllegalArgumentException("cannot persist a Raft operation of type "
                        + operation.getClass().getName());
        }
    }

    private static Object readOperation(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case OP_COMMAND -> {
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IOException("command length " + length + " exceeds the record");
                }
                yield in.readNBytes(length);
            }
            case OP_MARKER -> {
                int ordinal = in.readByte();
                if (ordinal < 0 || ordinal >= GroupMarker.values().length) {
                    throw new IOException("unknown group marker " + ordinal);
                }
                yield GroupMarker.values()[ordinal];
            }
            case OP_MEMBERSHIP ->
                MODEL.createUpdateRaftGroupMembersOpBuilder()
                        .setMembers(readEndpoints(in))
                        .setVotingMembers(readEndpoints(in))
                        .setEndpoint(readEndpoint(in))
                        .setMode(MembershipChangeMode.valueOf(in.readUTF()))
                        .build();
            default -> throw new IOException("unknown operation tag " + tag);
        };
    }

    private static void writeMembers(DataOutputStream out, RaftGroupMembersView view) throws IOException {
        out.writeLong(view.getLogIndex());
        writeEndpoints(out, view.getMembers());
        writeEndpoints(out, view.getVotingMembers());
    }

    private static RaftGroupMembersView readMembers(DataInputStream in) throws IOException {
        return MODEL.createRaftGroupMembersViewBuilder()
                .setLogIndex(in.readLong())
                .setMembers(readEndpoints(in))
                .setVotingMembers(readEndpoints(in))
                .build();
    }

    private static void writeEndpoints(DataOutputStream out, Collection<RaftEndpoint> endpoints) throws IOException {
        out.writeInt(endpoints.size());
        for (RaftEndpoint endpoint : endpoints) {
            writeEndpoint(out, endpoint);
        }
    }

    private static List<RaftEndpoint> readEndpoints(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > 1024) {
            throw new IOException("implausible member count " + count);
        }
        List<RaftEndpoint> endpoints = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            endpoints.add(readEndpoint(in));
        }
        return endpoints;
    }

    private static void writeEndpoint(DataOutputStream out, RaftEndpoint endpoint) throws IOException {
        if (!(endpoint instanceof MemberEndpoint member)) {
            throw new IllegalArgumentException("only MemberEndpoint can be persisted, not " + endpoint.getClass());
        }
        out.writeUTF(member.id());
    }

    private static RaftEndpoint readEndpoint(DataInputStream in) throws IOException {
        return new MemberEndpoint(in.readUTF());
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** Decodes one record; a malformed one is an {@link IOException} with the reason. */
    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IOException("unknown record format version " + version);
            }
            T value = reader.read(in);
            if (in.available() != 0) {
                throw new IOException(in.available() + " unexpected trailing bytes");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new MalformedRecordException(e);
        }
    }

    /** A record in the store that does not decode; the store names its file when it reports this. */
    static final class MalformedRecordException extends RuntimeException {
        MalformedRecordException(Throwable cause) {
            super(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
    }
}
