package dev.atoll.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WireServerTest {
    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);
    private static final WireSettings SETTINGS = WireSettings.defaults().withReadTimeout(READ_TIMEOUT);
    private static final InetSocketAddress LOOPBACK_ANY_PORT =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final List<String> received = new CopyOnWriteArrayList<>();
    private WireServer server;
    private InetSocketAddress address;
    private ScheduledExecutorService scheduler;

    @BeforeEach
    void startServer() {
        server = new WireServer(
                LOOPBACK_ANY_PORT,
                SETTINGS,
                hello -> hello.groupId().equals("london") ? Optional.empty() : Optional.of("this is london"),
                Map.of(FrameType.RAFT, (from, payload) -> {
                    if (payload.length > 0 && payload[0] == '!') {
                        throw new MalformedFrameException("payload starts with '!'");
                    }
                    received.add(from.memberId() + ":" + new String(payload, StandardCharsets.UTF_8));
                }));
        address = server.start();
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        server.close();
        scheduler.shutdownNow();
    }

    private WireClient client(String memberId) {
        return new WireClient("london-1", address, Hello.of("london", memberId), SETTINGS, scheduler);
    }

    private static byte[] header(int magic, int type, int length) {
        return ByteBuffer.allocate(WireFormat.HEADER_BYTES)
                .putInt(magic)
                .put((byte) type)
                .putInt(length)
                .array();
    }

    private static byte[] hello(String group, String member) {
        return WireFormat.encode(FrameType.HELLO, new Hello(WireFormat.PROTOCOL_VERSION, group, member).encode());
    }

    /** Writes the bytes and waits for the server to close the connection (read returns -1 or fails). */
    private boolean serverCloses(byte[]... chunks) throws IOException {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
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

    @Test
    void framesFromAClientReachTheHandlerOfTheirTypeInOrder() {
        try (WireClient client = client("london-2")) {
            for (int i = 1; i <= 5; i++) {
                client.send(FrameType.RAFT, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(received)
                    .containsExactly("london-2:m1", "london-2:m2", "london-2:m3", "london-2:m4", "london-2:m5"));
        }
        assertThat(server.protocolViolations()).isZero();
    }

    @Test
    void randomBytesCloseTheConnection() throws IOException {
        byte[] garbage = new byte[4096];
        new SplittableRandom(7).nextBytes(garbage);

        assertThat(serverCloses(garbage)).isTrue();
    }

    @Test
    void aFrameWithTheWrongMagicClosesTheConnection() throws IOException {
        assertThat(serverCloses(header(0x48545450, FrameType.HELLO.code(), 4), new byte[4]))
                .isTrue();
    }

    @Test
    void aLengthOverTheLimitClosesTheConnectionBeforeAnyPayloadIsRead() throws IOException {
        assertThat(serverCloses(
                        hello("london", "london-2"),
                        header(WireFormat.MAGIC, FrameType.RAFT.code(), Integer.MAX_VALUE)))
                .isTrue();
        assertThat(serverCloses(header(WireFormat.MAGIC, FrameType.HELLO.code(), -1)))
                .isTrue();
    }

    @Test
    void anUnknownFrameTypeClosesTheConnection() throws IOException {
        assertThat(serverCloses(hello("london", "london-2"), header(WireFormat.MAGIC, 77, 0)))
                .isTrue();
    }

    @Test
    void aFirstFrameOtherThanHelloClosesTheConnection() throws IOException {
        assertThat(serverCloses(WireFormat.encode(FrameType.RAFT, new byte[3]))).isTrue();
        assertThat(received).isEmpty();
    }

    @Test
    void aHelloFromAnotherGroupIsRefused() throws IOException {
        assertThat(serverCloses(hello("paris", "paris-1"), WireFormat.encode(FrameType.RAFT, new byte[3])))
                .isTrue();
        assertThat(received).isEmpty();
    }

    @Test
    void aPayloadItsHandlerCannotDecodeClosesTheConnection() throws IOException {
        assertThat(serverCloses(
                        hello("london", "london-2"),
                        WireFormat.encode(FrameType.RAFT, "!x".getBytes(StandardCharsets.UTF_8))))
                .isTrue();
    }

    @Test
    void halfAFrameThenSilenceIsClosedAfterTheReadTimeout() throws IOException {
        byte[] frame = WireFormat.encode(FrameType.RAFT, new byte[100]);

        assertThat(serverCloses(hello("london", "london-2"), java.util.Arrays.copyOf(frame, 50)))
                .isTrue();
        assertThat(serverCloses(new byte[] {0x41, 0x54})).isTrue();
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosedAfterTheReadTimeout() throws IOException {
        assertThat(serverCloses()).isTrue();
    }

    @Test
    void afterGarbageOnOneConnectionOtherClientsAreStillServed() throws IOException {
        byte[] garbage = new byte[1024];
        new SplittableRandom(11).nextBytes(garbage);
        serverCloses(garbage);
        serverCloses(hello("london", "london-2"), header(WireFormat.MAGIC, FrameType.RAFT.code(), 1 << 30));

        try (WireClient client = client("london-3")) {
            client.send(FrameType.RAFT, "still here".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("london-3:still here"));
        }
        assertThat(server.protocolViolations()).isEqualTo(2);
    }

    @Test
    void aSlowHandlerStopsTheServerReadingRatherThanBufferingWithoutBound() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> handled = new CopyOnWriteArrayList<>();
        WireSettings small = new WireSettings(
                1024 * 1024,
                READ_TIMEOUT,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ofMillis(10),
                Duration.ofMillis(100),
                4,
                1024 * 1024,
                10_000,
                64 * 1024 * 1024,
                4);
        try (WireServer slow = new WireServer(
                        LOOPBACK_ANY_PORT, small, hello -> Optional.empty(), Map.of(FrameType.RAFT, (from, payload) -> {
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            handled.add(payload.length);
                        }));
                Socket socket = new Socket()) {
            InetSocketAddress slowAddress = slow.start();
            socket.setSendBufferSize(64 * 1024);
            socket.connect(slowAddress);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.write(hello("london", "london-2"));
            byte[] frame = WireFormat.encode(FrameType.RAFT, new byte[64 * 1024]);
            // The server holds at most 1 + 4 frames; the kernel buffers hold a few MiB at most. A
            // writer that is not pushed back would write all 256 MiB.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 4096; i++) {
                        out.write(frame);
                    }
                } catch (IOException e) {
                    // Closed at the end of the test.
                }
            });
            writer.join(Duration.ofSeconds(2));
            assertThat(writer.isAlive())
                    .as("the writer is blocked by back-pressure")
                    .isTrue();

            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> !writer.isAlive());
            assertThat(writer.isAlive()).isFalse();
        }
        assertThat(handled).allMatch(length -> length == 64 * 1024);
    }

    @Test
    void aClientQueuedFramesToAnUnreachablePeerAreDroppedAndCountedNeverBlockingTheCaller() throws Exception {
        InetSocketAddress nobody;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress(probe.getInetAddress(), probe.getLocalPort());
        }
        List<Integer> undelivered = new CopyOnWriteArrayList<>();
        try (WireClient client = new WireClient("ghost", nobody, Hello.of("london", "london-1"), SETTINGS, scheduler)) {
            for (int i = 0; i < 3; i++) {
                int n = i;
                client.send(FrameType.RAFT, new byte[10], () -> undelivered.add(n));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> undelivered.size() == 3);
            assertThat(client.isReachable()).isFalse();
            assertThat(client.droppedFrames()).isEqualTo(3);
        }
    }

    @Test
    void aFullOutboundQueueDropsTheOldestFrames() {
        WireSettings tiny = new WireSettings(
                1024,
                READ_TIMEOUT,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                4,
                1024,
                2,
                1024,
                4);
        List<Integer> undelivered = new CopyOnWriteArrayList<>();
        InetSocketAddress unroutable = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
        try (WireClient client = new WireClient("ghost", unroutable, Hello.of("london", "london-1"), tiny, scheduler)) {
            client.send(FrameType.RAFT, new byte[1], () -> undelivered.add(0));
            await().atMost(Duration.ofSeconds(5)).until(() -> undelivered.size() == 1 && !client.isReachable());
            int before = undelivered.size();
            // Waiting 10 s to reconnect: everything sent now queues, and only the newest 2 stay.
            for (int i = 1; i <= 5; i++) {
                int n = i;
                client.send(FrameType.RAFT, new byte[1], () -> undelivered.add(n));
            }
            assertThat(undelivered.subList(before, undelivered.size())).containsExactly(1, 2, 3);
        }
        assertThat(undelivered).endsWith(4, 5);
    }
}
