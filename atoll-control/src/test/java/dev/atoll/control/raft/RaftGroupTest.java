package dev.atoll.control.raft;

import static dev.atoll.control.raft.AppendListMachine.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private RaftGroup open(List<String> members, RaftTimings timings) {
        return RaftGroup.open("london", members, dataDir, AppendListMachine::new, timings);
    }

    private RaftGroup openOne() {
        return open(List.of("london-1"), RaftTimings.defaults());
    }

    private RaftGroup openThree() {
        return open(List.of("london-1", "london-2", "london-3"), RaftTimings.defaults());
    }

    private static Object submit(RaftGroup group, String text) {
        return group.submit(command(text))
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                .join();
    }

    private static List<String> items(RaftGroup group) {
        return ((AppendListMachine) group.leaderMachine()).items();
    }

    private static List<String> numbered(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "cmd-" + i).toList();
    }

    @Test
    void singleMemberGroupAppliesCommandsInOrderAndAnswersWithTheirResults() {
        try (RaftGroup group = openOne()) {
            assertThat(group.leaderId()).contains("london-1");

            List<Object> results = new ArrayList<>();
            for (String text : List.of("a", "b", "c")) {
                results.add(submit(group, text));
            }

            assertThat(results).containsExactly(1, 2, 3);
            assertThat(items(group)).containsExactly("a", "b", "c");
        }
    }

    @Test
    void reopeningTheSameDataDirRestoresEveryCommittedCommand() {
        try (RaftGroup group = openOne()) {
            numbered(20).forEach(text -> submit(group, text));
        }

        try (RaftGroup reopened = openOne()) {
            assertThat(items(reopened)).isEqualTo(numbered(20));
            assertThat(submit(reopened, "after-restart")).isEqualTo(21);
        }
    }

    @Test
    void reopeningAfterASnapshotRestoresTheSnapshotAndTheLogAfterIt() {
        RaftTimings snapshotEveryFive = RaftTimings.defaults().withCommitCountToTakeSnapshot(5);
        try (RaftGroup group = open(List.of("london-1"), snapshotEveryFive)) {
            numbered(23).forEach(text -> submit(group, text));
        }
        Path file = dataDir.resolve("london-1").resolve(RaftGroup.STORE_FILE);
        try (MvStoreRaftStore store = MvStoreRaftStore.open(file)) {
            var state = store.restoredState().orElseThrow();
            assertThat(state.getSnapshotEntry()).as("a snapshot was taken").isNotNull();
            assertThat(state.getSnapshotEntry().getIndex()).isGreaterThanOrEqualTo(20);
            assertThat(state.getLogEntries())
                    .as("the log was truncated at the snapshot")
                    .hasSizeLessThan(10);
        }

        try (RaftGroup reopened = open(List.of("london-1"), snapshotEveryFive)) {
            AppendListMachine machine = (AppendListMachine) reopened.leaderMachine();
            assertThat(machine.restores()).as("state came from the snapshot").isEqualTo(1);
            assertThat(machine.items()).isEqualTo(numbered(23));
        }
    }

    @Test
    void threeMemberGroupElectsANewLeaderAndKeepsServingAfterItsLeaderStops() {
        try (RaftGroup group = openThree()) {
            numbered(5).forEach(text -> submit(group, text));
            String oldLeader = group.leaderId().orElseThrow();

            long stoppedAt = System.nanoTime();
            group.stopMember(oldLeader);
            group.awaitLeader(WAIT);
            long failoverMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
            System.out.printf(
                    "Raft failover: new leader %s elected %d ms after stopping leader %s%n",
                    group.leaderId().orElseThrow(), failoverMillis, oldLeader);

            assertThat(group.leaderId()).get().isNotEqualTo(oldLeader);
            assertThat(submit(group, "after-failover")).isEqualTo(6);
            List<String> expected = new ArrayList<>(numbered(5));
            expected.add("after-failover");
            List<String> survivors = group.memberIds().stream()
                    .filter(id -> !id.equals(oldLeader))
                    .toList();
            await().atMost(WAIT).untilAsserted(() -> {
                for (String survivor : survivors) {
                    assertThat(((AppendListMachine) group.machineOf(survivor)).items())
                            .isEqualTo(expected);
                }
            });
        }
    }

    @Test
    void concurrentSubmitsFromSeveralThreadsAreEachAppliedExactlyOnce() throws Exception {
        int threads = 4;
        int perThread = 50;
        try (RaftGroup group = openThree();
                ExecutorService clients = Executors.newFixedThreadPool(threads)) {
            List<CompletableFuture<Object>> results = new ArrayList<>();
            List<java.util.concurrent.Future<List<CompletableFuture<Object>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitted.add(clients.submit(() -> IntStream.range(0, perThread)
                        .mapToObj(i -> group.submit(command("t" + thread + "-" + i)))
                        .toList()));
            }
            for (var batch : submitted) {
                results.addAll(batch.get());
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                    .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .join();

            List<String> applied = items(group);
            assertThat(applied).hasSize(threads * perThread).doesNotHaveDuplicates();
            assertThat(results.stream().map(CompletableFuture::join).toList())
                    .as("every command got its own position")
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, threads * perThread)
                            .boxed()
                            .toList());
            await().atMost(WAIT).untilAsserted(() -> {
                for (String member : group.memberIds()) {
                    assertThat(((AppendListMachine) group.machineOf(member)).items())
                            .isEqualTo(applied);
                }
            });
            for (int t = 0; t < threads; t++) {
                String prefix = "t" + t + "-";
                assertThat(applied.stream().filter(s -> s.startsWith(prefix)).toList())
                        .as("one thread's commands keep their order")
                        .isEqualTo(IntStream.range(0, perThread)
                                .mapToObj(i -> prefix + i)
                                .toList());
            }
            assertThat(new HashSet<>(applied)).hasSize(threads * perThread);
        }
    }

    @Test
    void aCorruptStoreFileIsRefusedWithAnExceptionNamingTheFile() throws IOException {
        Path file = dataDir.resolve("london-1").resolve(RaftGroup.STORE_FILE);
        Files.createDirectories(file.getParent());
        byte[] garbage = new byte[8192];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        Files.write(file, garbage);

        assertThatThrownBy(this::openOne)
                .isInstanceOf(UnreadableRaftStoreException.class)
                .hasMessageContaining(file.toString())
                .satisfies(e ->
                        assertThat(((UnreadableRaftStoreException) e).file()).isEqualTo(file));
    }

    @Test
    void storesWrittenByAGroupWithOtherMembersAreRefused() {
        try (RaftGroup group = openOne()) {
            submit(group, "a");
        }

        assertThatThrownBy(this::openThree)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("london-1")
                .hasMessageContaining("not supported");
    }
}
