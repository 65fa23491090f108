package dev.atoll.control.raft;

import io.microraft.RaftEndpoint;
import io.microraft.model.RaftModelFactory;
import io.microraft.model.log.LogEntry;
import io.microraft.model.log.SnapshotChunk;
import io.microraft.model.message.AppendEntriesFailureResponse;
import io.microraft.model.message.AppendEntriesRequest;
import io.microraft.model.message.AppendEntriesSuccessResponse;
import io.microraft.model.message.InstallSnapshotRequest;
import io.microraft.model.message.InstallSnapshotResponse;
import io.microraft.model.message.PreVoteRequest;
import io.microraft.model.message.PreVoteResponse;
import io.microraft.model.message.RaftMessage;
import io.microraft.model.message.TriggerLeaderElectionRequest;
import io.microraft.model.message.VoteRequest;
import io.microraft.model.message.VoteResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of every MicroRaft message (the payload of a RAFT frame; see
 * atoll-wire/PROTOCOL.md). Log entries, snapshot chunks and member lists are written by {@link
 * RaftLogCodec}, the same code that writes them to disk, so an operation that can be stored can be
 * sent.
 *
 * <p>Layout: format version (1 byte), message tag (1 byte), group id (UTF), sender member id (UTF),
 * term (int), then the fields of the message type in the order of its builder.
 */
final class RaftMessageCodec {
    private static final RaftModelFactory MODEL = RaftLogCodec.MODEL;
    private static final byte FORMAT_VERSION = 1;
    private static final int MAX_ENTRIES = 1_000_000;

    private static final byte APPEND_ENTRIES_REQUEST = 1;
    private static final byte APPEND_ENTRIES_SUCCESS = 2;
    private static final byte APPEND_ENTRIES_FAILURE = 3;
    private static final byte INSTALL_SNAPSHOT_REQUEST = 4;
    private static final byte INSTALL_SNAPSHOT_RESPONSE = 5;
    private static final byte VOTE_REQUEST = 6;
    private static final byte VOTE_RESPONSE = 7;
    private static final byte PRE_VOTE_REQUEST = 8;
    private static final byte PRE_VOTE_RESPONSE = 9;
    private static final byte TRIGGER_LEADER_ELECTION = 10;

    private RaftMessageCodec() {}

    /** @throws IllegalArgumentException for a message type or operation this codec cannot write */
    static byte[] encode(RaftMessage message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeByte(tagOf(message));
            out.writeUTF(String.valueOf(message.getGroupId()));
            out.writeUTF(idOf(message.getSender()));
            out.writeInt(message.getTerm());
            writeBody(out, message);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** @throws RaftLogCodec.MalformedRecordException with the reason when the bytes do not decode */
    static RaftMessage decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IOException("unknown Raft message format version " + version);
            }
            byte tag = in.readByte();
            String groupId = in.readUTF();
            RaftEndpoint sender = new MemberEndpoint(in.readUTF());
            int term = in.readInt();
            RaftMessage message = readBody(in, tag, groupId, sender, term);
            if (in.available() != 0) {
                throw new IOException(in.available() + " unexpected trailing bytes");
            }
            return message;
        } catch (IOException | RuntimeException e) {
            throw new RaftLogCodec.MalformedRecordException(e);
        }
    }

    private static byte tagOf(RaftMessage message) {
        return switch (message) {
            case AppendEntriesRequest m -> APPEND_ENTRIES_REQUEST;
            case AppendEntriesSuccessResponse m -> APPEND_ENTRIES_SUCCESS;
            case AppendEntriesFailureResponse m -> APPEND_ENTRIES_FAILURE;
            case InstallSnapshotRequest m -> INSTALL_SNAPSHOT_REQUEST;
            case InstallSnapshotResponse m -> INSTALL_SNAPSHOT_RESPONSE;
            case VoteRequest m -> VOTE_REQUEST;
            case VoteResponse m -> VOTE_RESPONSE;
            case PreVoteRequest m -> PRE_VOTE_REQUEST;
            case PreVoteResponse m -> PRE_VOTE_RESPONSE;
            case TriggerLeaderElectionRequest m -> TRIGGER_LEADER_ELECTION;
            default ->
                throw new IllegalArgumentException(
                        "no wire form for Raft message " + message.getClass().getName());
        };
    }

    private static void writeBody(DataOutputStream out, RaftMessage message) throws IOException {
        switch (message) {
            case AppendEntriesRequest m -> {
                out.writeInt(m.getPreviousLogTerm());
                out.writeLong(m.getPreviousLogIndex());
                out.writeLong(m.getCommitIndex());
                List<LogEntry> entries = m.getLogEntries();
                out.writeInt(entries.size());
                for (LogEntry entry : entries) {
                    writeBytes(out, RaftLogCodec.encodeLogEntry(entry));
                }
                out.writeLong(m.getQuerySequenceNumber());
                out.writeLong(m.getFlowControlSequenceNumber());
            }
            case AppendEntriesSuccessResponse m -> {
                out.writeLong(m.getLastLogIndex());
                out.writeLong(m.getQuerySequenceNumber());
                out.writeLong(m.getFlowControlSequenceNumber());
            }
            case AppendEntriesFailureResponse m -> {
                out.writeLong(m.getExpectedNextIndex());
                out.writeLong(m.getQuerySequenceNumber());
                out.writeLong(m.getFlowControlSequenceNumber());
            }
            case InstallSnapshotRequest m -> {
                out.writeBoolean(m.isSenderLeader());
                out.writeInt(m.getSnapshotTerm());
                out.writeLong(m.getSnapshotIndex());
                out.writeInt(m.getTotalSnapshotChunkCount());
                SnapshotChunk chunk = m.getSnapshotChunk();
                out.writeBoolean(chunk != null);
                if (chunk != null) {
                    writeBytes(out, RaftLogCodec.encodeSnapshotChunk(chunk));
                }
                List<RaftEndpoint> snapshotted =
                        m.getSnapshottedMembers() == null ? List.of() : new ArrayList<>(m.getSnapshottedMembers());
                out.writeInt(snapshotted.size());
                for (RaftEndpoint endpoint : snapshotted) {
                    out.writeUTF(idOf(endpoint));
                }
                out.writeBoolean(m.getGroupMembersView() != null);
                if (m.getGroupMembersView() != null) {
                    writeBytes(out, RaftLogCodec.encodeMembersView(m.getGroupMembersView()));
                }
                out.writeLong(m.getQuerySequenceNumber());
                out.writeLong(m.getFlowControlSequenceNumber());
            }
            case InstallSnapshotResponse m -> {
                out.writeLong(m.getSnapshotIndex());
                out.writeInt(m.getRequestedSnapshotChunkIndex());
                out.writeLong(m.getQuerySequenceNumber());
                out.writeLong(m.getFlowControlSequenceNumber());
            }
            case VoteRequest m -> {
                out.writeInt(m.getLastLogTerm());
                out.writeLong(m.getLastLogIndex());
                out.writeBoolean(m.isSticky());
            }
            case VoteResponse m -> out.writeBoolean(m.isGranted());
            case PreVoteRequest m -> {
                out.writeInt(m.getLastLogTerm());
                out.writeLong(m.getLastLogIndex());
            }
            case PreVoteResponse m -> out.writeBoolean(m.isGranted());
            case TriggerLeaderElectionRequest m -> {
                out.writeInt(m.getLastLogTerm());
                out.writeLong(m.getLastLogIndex());
            }
            default ->
                throw new IllegalArgumentException(
                        "no wire form for Raft message " + message.getClass().getName());
        }
    }

    private static RaftMessage readBody(DataInputStream in, byte tag, String groupId, RaftEndpoint sender, int term)
            throws IOException {
        return switch (tag) {
            case APPEND_ENTRIES_REQUEST -> {
                var builder = MODEL.createAppendEntriesRequestBuilder()
                        .setGroupId(groupId)
                        .setSender(sender)
                        .setTerm(term)
                        .setPreviousLogTerm(in.readInt())
                        .setPreviousLogIndex(in.readLong())
                        .setCommitIndex(in.readLong());
                int count = readCount(in);
                List<LogEntry> entries = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    entries.add(RaftLogCodec.decodeLogEntry(readBytes(in)));
                }
                yield builder.setLogEntries(entries)
                        .setQuerySequenceNumber(in.readLong())
                        .setFlowControlSequenceNumber(in.readLong())
                        .build();
            }
            case APPEND_ENTRIES_SUCCESS ->
                MODEL.createAppendEntriesSuccessResponseBuilder()
                        .setGroupId(groupId)
                        .setSender(sender)
                        .setTerm(term)
                        .setLastLogIndex(in.readLong())
                        .setQuerySequenceNumber(in.readLong())
                        .setFlowControlSequenceNumber(in.readLong())
                        .build();
            case APPEND_ENTRIES_FAILURE ->
                MODEL.createAppendEntriesFailureResponseBuilder()
                        .setGroupId(groupId)
                        .setSender(sender)
                        .setTerm(term)
                        .setExpectedNextIndex(in.readLong())
                        .setQuerySequenceNumber(in.readLong())
                        .setFlowControlSequenceNumber(in.readLong())
                        .build();
            case INSTALL_SNAPSHOT_REQUEST -> {
                var builder = MODEL.createInstallSnapshotRequestBuilder()
                        .setGroupId(groupId)
                        .setSender(sender)
                        .setTerm(term)
                        .setSenderLeader(in.readBoolean())
                        .setSnapshotTerm(in.readInt())
                        .setSnapshotIndex(in.readLong())
                        .setTotalSnapshotChunkCount(in.readInt());
                builder.setSnapshotChunk(in.readBoolean() ? RaftLogCodec.decodeSnapshotChunk(readBytes(in)) : null);
                int count = readCount(in);
                List<RaftEndpoint> snapshotted = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    snapshotted.add(new MemberEndpoint(in.readUTF()));
                }
                builder.setSnapshottedMembers(snapshotted);
                builder.setGroupMembersView(in.readBoolean() ? RaftLogCodec.decodeMembersView(readBytes(in)) : null);
                yield builder.setQuerySequenceNumber(in.readLong())
                        .setFlowControlSequenceNumber(in.readLong())
                        .build();
            }
            case INSTALL_SNAPSHOT_RESPONSE ->
                MODEL.createInstallSnapshotResponseBuilder()
                        .setGroupId(groupId)
                        .setSender(sender)
                        .setTerm(term)
                        .setSnapshotIndex(in.readLong())
                        .setRequestedSnapshotChunkIndex(in.readInt())
                        .setQuerySequenceNumber(in.readLong())
                        .setFlowControlSequenceNumber(in.readLong())
                        .build();
            case VOTE_REQUEST ->
                MODEL.createVoteRequestBuilder()
                        .setGroupId(groupId)
                        .setSender(sender)
                        .setTerm(term)
                        .setLastLogTerm(in.readInt())
                        .setLastLogIndex(in.readLong())
                        .setSticky(in.readBoolean())
                        .build();
            case VOTE_RESPONSE ->
                MODEL.createVoteResponseBuilder()
                        .setGroupId(groupId)
                        .setSender(sender)
                        .setTerm(term)
                        .setGranted(in.readBoolean())
                        .build();
            case PRE_VOTE_REQUEST ->
                MODEL.createPreVoteRequestBuilder()
                        .setGroupId(groupId)
                        .setSender(sender)
                        .setTerm(term)
                        .setLastLogTerm(in.readInt())
                        .setLastLogIndex(in.readLong())
                        .build();
            case PRE_VOTE_RESPONSE ->
                MODEL.createPreVoteResponseBuilder()
                        .setGroupId(groupId)
                        .setSender(sender)
                        .setTerm(term)
                        .setGranted(in.readBoolean())
                        .build();
            case TRIGGER_LEADER_ELECTION ->
                MODEL.createTriggerLeaderElectionRequestBuilder()
                        .setGroupId(groupId)
                        .setSender(sender)
                        .setTerm(term)
                        .setLastLogTerm(in.readInt())
                        .setLastLogIndex(in.readLong())
                        .build();
            default -> throw new IOException("unknown Raft message tag " + tag);
        };
    }

    private static String idOf(RaftEndpoint endpoint) {
        if (!(endpoint instanceof MemberEndpoint member)) {
            throw new IllegalArgumentException("only MemberEndpoint can be sent, not " + endpoint);
        }
        return member.id();
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("a field of " + length + " bytes exceeds the message");
        }
        return in.readNBytes(length);
    }

    private static int readCount(DataInputStream in) throws IOException {
        int count = in.readInt();
        // Every counted item takes at least one byte, so a count above what is left is a lie.
        if (count < 0 || count > MAX_ENTRIES || count > in.available()) {
            throw new IOException("implausible count " + count);
        }
        return count;
    }
}
