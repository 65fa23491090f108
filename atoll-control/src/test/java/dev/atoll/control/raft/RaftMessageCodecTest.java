package dev.atoll.control.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microraft.RaftEndpoint;
import io.microraft.model.RaftModelFactory;
import io.microraft.model.log.LogEntry;
import io.microraft.model.log.RaftGroupMembersView;
import io.microraft.model.message.RaftMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RaftMessageCodecTest {
    private static final RaftModelFactory MODEL = RaftLogCodec.MODEL;
    private static final RaftEndpoint LONDON_1 = new MemberEndpoint("london-1");
    private static final List<RaftEndpoint> MEMBERS =
            List.of(LONDON_1, new MemberEndpoint("london-2"), new MemberEndpoint("london-3"));

    private static RaftMessage roundTrip(RaftMessage message) {
        RaftMessage decoded = RaftMessageCodec.decode(RaftMessageCodec.encode(message));
        assertThat(decoded).isInstanceOf(message.getClass());
        assertThat(decoded).usingRecursiveComparison().isEqualTo(message);
        return decoded;
    }

    private static LogEntry entry(long index, Object operation) {
        return MODEL.createLogEntryBuilder()
                .setIndex(index)
                .setTerm(3)
                .setOperation(operation)
                .build();
    }

    private static RaftGroupMembersView membersView() {
        return MODEL.createRaftGroupMembersViewBuilder()
                .setLogIndex(0)
                .setMembers(MEMBERS)
                .setVotingMembers(MEMBERS)
                .build();
    }

    @Test
    void appendEntriesRequestWithCommandsAndMarkersSurvivesTheWire() {
        RaftMessage decoded = roundTrip(MODEL.createAppendEntriesRequestBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(3)
                .setPreviousLogTerm(2)
                .setPreviousLogIndex(41)
                .setCommitIndex(40)
                .setLogEntries(List.of(
                        entry(42, "deploy web".getBytes(StandardCharsets.UTF_8)), entry(43, GroupMarker.NEW_TERM)))
                .setQuerySequenceNumber(7)
                .setFlowControlSequenceNumber(9)
                .build());

        assertThat(decoded.getSender()).isEqualTo(LONDON_1);
    }

    @Test
    void emptyAppendEntriesRequestAHeartbeatSurvivesTheWire() {
        roundTrip(MODEL.createAppendEntriesRequestBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(1)
                .setPreviousLogTerm(0)
                .setPreviousLogIndex(0)
                .setCommitIndex(0)
                .setLogEntries(List.of())
                .setQuerySequenceNumber(0)
                .setFlowControlSequenceNumber(0)
                .build());
    }

    @Test
    void appendEntriesSuccessResponseSurvivesTheWire() {
        roundTrip(MODEL.createAppendEntriesSuccessResponseBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(3)
                .setLastLogIndex(43)
                .setQuerySequenceNumber(7)
                .setFlowControlSequenceNumber(9)
                .build());
    }

    @Test
    void appendEntriesFailureResponseSurvivesTheWire() {
        roundTrip(MODEL.createAppendEntriesFailureResponseBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(3)
                .setExpectedNextIndex(12)
                .setQuerySequenceNumber(7)
                .setFlowControlSequenceNumber(9)
                .build());
    }

    @Test
    void installSnapshotRequestWithAChunkSurvivesTheWire() {
        roundTrip(MODEL.createInstallSnapshotRequestBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(3)
                .setSenderLeader(true)
                .setSnapshotTerm(2)
                .setSnapshotIndex(100)
                .setTotalSnapshotChunkCount(1)
                .setSnapshotChunk(MODEL.createSnapshotChunkBuilder()
                        .setIndex(100)
                        .setTerm(2)
                        .setSnapshotChunkIndex(0)
                        .setSnapshotChunkCount(1)
                        .setGroupMembersView(membersView())
                        .setOperation("a\nb\nc".getBytes(StandardCharsets.UTF_8))
                        .build())
                .setSnapshottedMembers(MEMBERS)
                .setGroupMembersView(membersView())
                .setQuerySequenceNumber(7)
                .setFlowControlSequenceNumber(9)
                .build());
    }

    @Test
    void installSnapshotRequestWithoutAChunkSurvivesTheWire() {
        roundTrip(MODEL.createInstallSnapshotRequestBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(3)
                .setSenderLeader(false)
                .setSnapshotTerm(2)
                .setSnapshotIndex(100)
                .setTotalSnapshotChunkCount(1)
                .setSnapshotChunk(null)
                .setSnapshottedMembers(List.of())
                .setGroupMembersView(membersView())
                .setQuerySequenceNumber(0)
                .setFlowControlSequenceNumber(0)
                .build());
    }

    @Test
    void installSnapshotResponseSurvivesTheWire() {
        roundTrip(MODEL.createInstallSnapshotResponseBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(3)
                .setSnapshotIndex(100)
                .setRequestedSnapshotChunkIndex(0)
                .setQuerySequenceNumber(7)
                .setFlowControlSequenceNumber(9)
                .build());
    }

    @Test
    void voteRequestSurvivesTheWire() {
        roundTrip(MODEL.createVoteRequestBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(4)
                .setLastLogTerm(3)
                .setLastLogIndex(43)
                .setSticky(true)
                .build());
    }

    @Test
    void voteResponseSurvivesTheWire() {
        roundTrip(MODEL.createVoteResponseBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(4)
                .setGranted(true)
                .build());
    }

    @Test
    void preVoteRequestSurvivesTheWire() {
        roundTrip(MODEL.createPreVoteRequestBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(4)
                .setLastLogTerm(3)
                .setLastLogIndex(43)
                .build());
    }

    @Test
    void preVoteResponseSurvivesTheWire() {
        roundTrip(MODEL.createPreVoteResponseBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(4)
                .setGranted(false)
                .build());
    }

    @Test
    void triggerLeaderElectionRequestSurvivesTheWire() {
        roundTrip(MODEL.createTriggerLeaderElectionRequestBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(4)
                .setLastLogTerm(3)
                .setLastLogIndex(43)
                .build());
    }

    @Test
    void truncatedOrCorruptedMessagesAreRefusedWithAReasonNeverMisread() {
        byte[] valid = RaftMessageCodec.encode(MODEL.createVoteRequestBuilder()
                .setGroupId("london")
                .setSender(LONDON_1)
                .setTerm(4)
                .setLastLogTerm(3)
                .setLastLogIndex(43)
                .setSticky(false)
                .build());

        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> RaftMessageCodec.decode(truncated))
                    .isInstanceOf(RaftLogCodec.MalformedRecordException.class);
        }
        byte[] unknownTag = valid.clone();
        unknownTag[1] = 99;
        assertThatThrownBy(() -> RaftMessageCodec.decode(unknownTag))
                .isInstanceOf(RaftLogCodec.MalformedRecordException.class)
                .hasMessageContaining("tag 99");
    }

    @Test
    void randomBytesNeverDecodeIntoSomethingElseThanARefusal() {
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 2_000; i++) {
            byte[] garbage = new byte[random.nextInt(0, 200)];
            random.nextBytes(garbage);
            if (garbage.length > 2 && i % 2 == 0) {
                // A valid version and tag, so the fields of each message type get garbage too.
                garbage[0] = 1;
                garbage[1] = (byte) random.nextInt(1, 11);
            }
            try {
                RaftMessageCodec.decode(garbage);
            } catch (RaftLogCodec.MalformedRecordException expected) {
                // The only way decoding may fail.
            }
        }
    }
}
