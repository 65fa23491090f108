package dev.atoll.control.raft;

import static dev.atoll.control.raft.AppendListMachine.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.wire.FrameType;
import dev.atoll.wire.Hello;
import dev.atoll.wire.WireFormat;
import dev.atoll.wire.WireSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three members in one JVM that share nothing but loopback TCP through the wire protocol. */
class NetworkRaftGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> IDS = List.of("london-1", "london-2", "london-3");
    private static final WireSettings WIRE = WireSettings.defaults().withReadTimeout(Duration.ofMillis(300));
    private static final RaftTimings TIMINGS = RaftTimings.defaults().withCommitCountToTakeSnapshot(5);

    @TempDir
    Path dataDir;

    private final Map<String, InetSocketAddress> addresses = freeLoopbackAddresses();
    private final Map<String, RaftGroup> running = new LinkedHashMap<>();

    @AfterEach
    void closeAll() {
        running.values().forEach(RaftGroup::close);
    }

    private static Map<String, InetSocketAddress> freeLoopbackAddresses() {
        Map<String, InetSocketAddress> result = new LinkedHashMap<>();
        List<ServerSocket> probes = new ArrayList<>();
        try {
            for (String id : IDS) {
                ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                probes.add(probe);
                result.put(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort()));
            }
            for (ServerSocket probe : probes) {
                probe.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    private RaftGroup start(String id) {
        RaftGroup member = RaftGroup.openMember(
                "london",
                id,
                addresses,
                dataDir,
                AppendListMachine::new,
                TIMINGS,
                addresses.get(id),
                WIRE,
                ResultCodec.BASIC);
        running.put(id, member);
        return member;
    }

    private void startAll() {
        IDS.forEach(this::start);
        running.values().forEach(member -> member.awaitLeader(WAIT));
    }

    private void stop(String id) {
        running.remove(id).close();
    }

    private String leader() {
        await().atMost(WAIT).until(() -> running.values().stream()
                .map(RaftGroup::leaderId)
                .filter(java.util.Optional::isPresent)
                .map(java.util.Optional::get)
                .anyMatch(running::containsKey));
        return running.values().stream()
                .flatMap(member -> member.leaderId().stream())
                .filter(running::containsKey)
                .findFirst()
                .orElseThrow();
    }

    private static Object submit(RaftGroup member, String text) {
        return member.submit(command(text))
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                .join();
    }

    private List<String> items(String id) {
        return ((AppendListMachine) running.get(id).machineOf(id)).items();
    }

    private void awaitEveryRunningMemberHolds(List<String> expected) {
        await().atMost(WAIT).untilAsserted(() -> {
            for (String id : running.keySet()) {
                assertThat(items(id)).as(id).isEqualTo(expected);
            }
        });
    }

    private static List<String> numbered(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void membersJoinedOnlyByTheWireElectOneLeaderAndCommitCommandsSubmittedToAnyMember() {
        startAll();
        String leader = leader();
        assertThat(running.values())
                .allSatisfy(member -> assertThat(member.leaderId()).contains(leader));

        List<Object> results = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (String id : IDS) {
                String text = id + "#" + round;
                sent.add(text);
                results.add(submit(running.get(id), text));
            }
        }

        assertThat(results)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 9).boxed().toList());
        awaitEveryRunningMemberHolds(sent);
        assertThat(running.get(leader).memberIds()).isEqualTo(IDS);
    }

    @Test
    void whenTheLeadersMemberStopsTheOthersElectANewLeaderAndKeepCommitting() {
        startAll();
        List<String> before = numbered("before-", 3);
        before.forEach(text -> submit(running.get(IDS.getFirst()), text));
        String oldLeader = leader();

        stop(oldLeader);

        String newLeader = leader();
        assertThat(newLeader).isNotEqualTo(oldLeader);
        String follower = running.keySet().stream()
                .filter(id -> !id.equals(newLeader))
                .findFirst()
                .orElseThrow();
        assertThat(submit(running.get(follower), "after-1")).isEqualTo(4);
        assertThat(submit(running.get(newLeader), "after-2")).isEqualTo(5);
        List<String> expected = new ArrayList<>(before);
        expected.addAll(List.of("after-1", "after-2"));
        awaitEveryRunningMemberHolds(expected);
    }

    @Test
    void aRestartedMemberRejoinsFromItsDataDirAndCatchesUpOnWhatItMissed() {
        startAll();
        String leader = leader();
        String restarted =
                IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        List<String> expected = new ArrayList<>(numbered("early-", 3));
        expected.forEach(text -> submit(running.get(leader), text));
        awaitEveryRunningMemberHolds(expected);

        stop(restarted);
        // Enough commands for several snapshots, so the restarted member needs one sent over the wire.
        List<String> missed = numbered("missed-", 17);
        missed.forEach(text -> submit(running.get(leader), text));
        expected.addAll(missed);

        start(restarted);

        awaitEveryRunningMemberHolds(expected);
        assertThat(submit(running.get(restarted), "from-the-restarted")).isEqualTo(expected.size() + 1);
    }

    @Test
    void garbageOnAMembersPortIsDisconnectedAndTheGroupKeepsCommitting() throws IOException {
        startAll();
        String leader = leader();
        byte[] random = new byte[8192];
        new SplittableRandom(42).nextBytes(random);
        byte[] strangerHello = WireFormat.encode(
                FrameType.HELLO, Hello.of("london", "london-9").encode());
        byte[] hugeLength = ByteBuffer.allocate(WireFormat.HEADER_BYTES)
                .putInt(WireFormat.MAGIC)
                .put(FrameType.RAFT.code())
                .putInt(Integer.MAX_VALUE)
                .array();
        byte[] raftGarbage = WireFormat.encode(FrameType.RAFT, Arrays.copyOf(random, 300));
        byte[] half = Arrays.copyOf(WireFormat.encode(FrameType.RAFT, new byte[200]), 60);
        String follower =
                IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();

        int commands = 0;
        for (String target : List.of(leader, follower)) {
            // A peer that introduces itself as another member, then misbehaves.
            String posingAs =
                    IDS.stream().filter(id -> !id.equals(target)).findFirst().orElseThrow();
            byte[] hello = WireFormat.encode(
                    FrameType.HELLO, Hello.of("london", posingAs).encode());
            List<byte[][]> patterns = List.of(
                    new byte[][] {random},
                    new byte[][] {hello, hugeLength},
                    new byte[][] {hello, raftGarbage},
                    new byte[][] {hello, half},
                    new byte[][] {strangerHello},
                    new byte[][] {Arrays.copyOf(hugeLength, 5)});
            for (byte[][] pattern : patterns) {
                assertThat(serverCloses(addresses.get(target), pattern))
                        .as("%s closes the connection", target)
                        .isTrue();
                commands++;
                assertThat(submit(running.get(leader()), "still-" + commands)).isEqualTo(commands);
            }
        }
        awaitEveryRunningMemberHolds(numbered("still-", commands));
    }

    /** Sends the chunks on a raw socket and reports whether the member then closes it. */
    private static boolean serverCloses(InetSocketAddress address, byte[]... chunks) throws IOException {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                for (byte[] chunk : chunks) {
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException e) {
                return true;
            }
            InputStream in = socket.getInputStream();
            try {
                return in.read() == -1;
            } catch (IOException e) {
                return true;
            }
        }
    }
}
