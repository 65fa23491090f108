package dev.atoll.control.raft;

import static dev.atoll.control.raft.RaftLogCodec.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microraft.RaftEndpoint;
import io.microraft.model.log.LogEntry;
import io.microraft.model.log.RaftGroupMembersView;
import io.microraft.persistence.RestoredRaftState;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MvStoreRaftStoreTest {
    private static final MemberEndpoint ME = new MemberEndpoint("london-1");
    private static final List<RaftEndpoint> MEMBERS =
            List.of(ME, new MemberEndpoint("london-2"), new MemberEndpoint("london-3"));

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("london-1").resolve("raft.mv.db");
    }

    private static RaftGroupMembersView members() {
        return MODEL.createRaftGroupMembersViewBuilder()
                .setLogIndex(0)
                .setMembers(MEMBERS)
                .setVotingMembers(MEMBERS)
                .build();
    }

    private static LogEntry entry(long index, Object operation) {
        return MODEL.createLogEntryBuilder()
                .setIndex(index)
                .setTerm(2)
                .setOperation(operation)
                .build();
    }

    private static List<LogEntry> commands(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(i -> entry(i, ("cmd-" + i).getBytes()))
                .toList();
    }

    private static void identify(MvStoreRaftStore store) throws Exception {
        store.persistAndFlushLocalEndpoint(MODEL.createRaftEndpointPersistentStateBuilder()
                .setLocalEndpoint(ME)
                .setVoting(true)
                .build());
        store.persistAndFlushInitialGroupMembers(members());
        store.persistAndFlushTerm(MODEL.createRaftTermPersistentStateBuilder()
                .setTerm(2)
                .setVotedFor(ME)
                .build());
    }

    private static List<Long> indices(RestoredRaftState state) {
        return state.getLogEntries().stream().map(LogEntry::getIndex).toList();
    }

    @Test
    void aNewStoreHasNothingToRestore() {
        try (MvStoreRaftStore store = MvStoreRaftStore.open(file())) {
            assertThat(store.restoredState()).isEmpty();
        }
    }

    @Test
    void flushedIdentityTermAndLogSurviveACrash() throws Exception {
        MvStoreRaftStore store = MvStoreRaftStore.open(file());
        identify(store);
        store.persistLogEntries(commands(1, 5));
        store.persistLogEntries(List.of(entry(6, GroupMarker.NEW_TERM)));
        store.flush();
        store.simulateCrash();

        try (MvStoreRaftStore reopened = MvStoreRaftStore.open(file())) {
            RestoredRaftState state = reopened.restoredState().orElseThrow();
            assertThat(state.getLocalEndpointPersistentState().getLocalEndpoint())
                    .isEqualTo(ME);
            assertThat(state.getInitialGroupMembers().getMembers()).containsExactlyElementsOf(MEMBERS);
            assertThat(state.getTermPersistentState().getTerm()).isEqualTo(2);
            assertThat(state.getTermPersistentState().getVotedFor()).isEqualTo(ME);
            assertThat(indices(state)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat((byte[]) state.getLogEntries().get(2).getOperation()).isEqualTo("cmd-3".getBytes());
            assertThat(state.getLogEntries().get(5).getOperation()).isEqualTo(GroupMarker.NEW_TERM);
            assertThat(state.getSnapshotEntry()).isNull();
        }
    }

    @Test
    void truncatedEntriesAreNotRestoredAndTheSnapshotReplacesTheLogBeforeIt() throws Exception {
        try (MvStoreRaftStore store = MvStoreRaftStore.open(file())) {
            identify(store);
            store.persistLogEntries(commands(1, 8));
            store.truncateLogEntriesFrom(7);
            store.persistLogEntries(commands(7, 12));
            store.persistSnapshotChunk(MODEL.createSnapshotChunkBuilder()
                    .setIndex(10)
                    .setTerm(2)
                    .setSnapshotChunkIndex(0)
                    .setSnapshotChunkCount(1)
                    .setGroupMembersView(members())
                    .setOperation("state at 10".getBytes())
                    .build());
            store.flush();
            store.truncateLogEntriesUntil(10);
            store.flush();
        }

        try (MvStoreRaftStore reopened = MvStoreRaftStore.open(file())) {
            RestoredRaftState state = reopened.restoredState().orElseThrow();
            assertThat(state.getSnapshotEntry().getIndex()).isEqualTo(10);
            assertThat(state.getSnapshotEntry().getGroupMembersView().getMembers())
                    .containsExactlyElementsOf(MEMBERS);
            @SuppressWarnings("unchecked")
            var chunks = (List<io.microraft.model.log.SnapshotChunk>)
                    state.getSnapshotEntry().getOperation();
            assertThat((byte[]) chunks.getFirst().getOperation()).isEqualTo("state at 10".getBytes());
            assertThat(indices(state)).containsExactly(11L, 12L);
        }
    }

    @Test
    void anIncompleteSnapshotIsIgnored() throws Exception {
        try (MvStoreRaftStore store = MvStoreRaftStore.open(file())) {
            identify(store);
            store.persistLogEntries(commands(1, 3));
            store.persistSnapshotChunk(MODEL.createSnapshotChunkBuilder()
                    .setIndex(3)
                    .setTerm(2)
                    .setSnapshotChunkIndex(0)
                    .setSnapshotChunkCount(2)
                    .setGroupMembersView(members())
                    .setOperation(new byte[] {1})
                    .build());
            store.flush();
        }

        try (MvStoreRaftStore reopened = MvStoreRaftStore.open(file())) {
            RestoredRaftState state = reopened.restoredState().orElseThrow();
            assertThat(state.getSnapshotEntry()).isNull();
            assertThat(indices(state)).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aMalformedRecordIsReportedWithTheFileName() {
        try (MvStoreRaftStore store = MvStoreRaftStore.open(file())) {
            // Create the file, then write records that do not decode.
        }
        MVStore raw = new MVStore.Builder().fileName(file().toString()).open();
        raw.<String, byte[]>openMap("meta").put("localEndpoint", new byte[] {1, 2, 3});
        raw.<String, byte[]>openMap("meta").put("initialMembers", new byte[] {9});
        raw.close();

        try (MvStoreRaftStore store = MvStoreRaftStore.open(file())) {
            assertThatThrownBy(store::restoredState)
                    .isInstanceOf(UnreadableRaftStoreException.class)
                    .hasMessageContaining(file().toString())
                    .hasMessageContaining("malformed record");
        }
    }
}
