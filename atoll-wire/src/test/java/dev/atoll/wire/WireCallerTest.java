package dev.atoll.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WireCallerTest {
    private static final InetSocketAddress LOOPBACK_ANY_PORT =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private final CompletableFuture<byte[]> never = new CompletableFuture<>();
    private WireServer server;
    private WireCaller caller;

    @BeforeEach
    void startServer() {
        server = new WireServer(
                LOOPBACK_ANY_PORT, WireSettings.defaults(), hello -> Optional.empty(), Map.of(), this::answer);
        InetSocketAddress address = server.start();
        caller = new WireCaller("frankfurt", address, Hello.of("london", "agent-n1"), WireSettings.defaults(), 64);
    }

    @AfterEach
    void stop() {
        caller.close();
        server.close();
    }

    private CompletableFuture<byte[]> answer(Hello from, String method, byte[] body) {
        return switch (method) {
            case "echo" ->
                CompletableFuture.completedFuture((from.memberId() + ":" + new String(body, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
            case "refuse" ->
                CompletableFuture.failedFuture(
                        new CallFailedException(CallFailedException.Reason.REFUSED, "no room on any node"));
            case "crash" -> throw new IllegalStateException("a bug in the handler");
            case "slow" -> never;
            default ->
                CompletableFuture.failedFuture(
                        new CallFailedException(CallFailedException.Reason.UNKNOWN_METHOD, "no method " + method));
        };
    }

    private static String text(CompletableFuture<byte[]> answer) throws Exception {
        return new String(answer.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    private static CallFailedException failureOf(CompletableFuture<byte[]> answer) {
        try {
            answer.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            assertThat(cause).isInstanceOf(CallFailedException.class);
            return (CallFailedException) cause;
        } catch (Exception e) {
            throw new AssertionError("the call neither answered nor failed", e);
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void aCallIsAnsweredOnTheSameConnectionWithTheCallersIdentity() throws Exception {
        assertThat(text(caller.call("echo", "hi".getBytes(StandardCharsets.UTF_8), PATIENCE)))
                .isEqualTo("agent-n1:hi");
    }

    @Test
    void manyConcurrentCallsEachGetTheirOwnAnswer() throws Exception {
        List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(caller.call("echo", ("n" + i).getBytes(StandardCharsets.UTF_8), PATIENCE));
        }
        for (int i = 0; i < 50; i++) {
            assertThat(text(answers.get(i))).isEqualTo("agent-n1:n" + i);
        }
        assertThat(caller.inFlight()).isZero();
    }

    @Test
    void aRefusalCarriesThePeersReason() {
        CallFailedException failure = failureOf(caller.call("refuse", new byte[0], PATIENCE));
        assertThat(failure.reason()).isEqualTo(CallFailedException.Reason.REFUSED);
        assertThat(failure.getMessage()).contains("frankfurt").contains("no room on any node");
    }

    @Test
    void aHandlerThatThrowsAnswersAnInternalErrorAndTheConnectionKeepsServing() throws Exception {
        CallFailedException failure = failureOf(caller.call("crash", new byte[0], PATIENCE));
        assertThat(failure.getMessage()).contains("internal error").doesNotContain("IllegalStateException");
        assertThat(text(caller.call("echo", "after".getBytes(StandardCharsets.UTF_8), PATIENCE)))
                .isEqualTo("agent-n1:after");
    }

    @Test
    void anUnknownMethodIsSaidSoAndCertainlyDidNotRun() {
        CallFailedException failure = failureOf(caller.call("launch", new byte[0], PATIENCE));
        assertThat(failure.reason()).isEqualTo(CallFailedException.Reason.UNKNOWN_METHOD);
        assertThat(failure.certainlyNotRun()).isTrue();
    }

    @Test
    void aCallWithoutAnAnswerTimesOutNamingThePeerAndMethod() {
        CallFailedException failure = failureOf(caller.call("slow", new byte[0], Duration.ofMillis(200)));
        assertThat(failure.reason()).isEqualTo(CallFailedException.Reason.TIMED_OUT);
        assertThat(failure.getMessage()).contains("frankfurt").contains("slow");
        assertThat(caller.inFlight()).isZero();
    }

    @Test
    void callsBeyondTheInFlightLimitFailAtOnce() {
        try (WireCaller small = new WireCaller(
                "frankfurt", server.address(), Hello.of("london", "agent-n2"), WireSettings.defaults(), 2)) {
            small.call("slow", new byte[0], PATIENCE);
            small.call("slow", new byte[0], PATIENCE);
            CallFailedException failure = failureOf(small.call("echo", new byte[0], PATIENCE));
            assertThat(failure.reason()).isEqualTo(CallFailedException.Reason.OVERLOADED);
        }
    }

    @Test
    void aPeerThatIsNotListeningMakesCallsFailAsUnreachable() throws Exception {
        InetSocketAddress closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = new InetSocketAddress(probe.getInetAddress(), probe.getLocalPort());
        }
        try (WireCaller nowhere =
                new WireCaller("paris", closedPort, Hello.of("london", "c1"), WireSettings.defaults(), 8)) {
            CallFailedException failure = failureOf(nowhere.call("echo", new byte[0], PATIENCE));
            assertThat(failure.reason()).isEqualTo(CallFailedException.Reason.UNREACHABLE);
            assertThat(failure.getMessage()).contains("paris");
        }
    }

    @Test
    void afterTheServerRestartsTheNextCallConnectsAgain() throws Exception {
        assertThat(text(caller.call("echo", "one".getBytes(StandardCharsets.UTF_8), PATIENCE)))
                .isEqualTo("agent-n1:one");
        InetSocketAddress address = server.address();
        server.close();
        // The old listening socket is released asynchronously once its accept loop wakes.
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> {
                    WireServer fresh = new WireServer(
                            address, WireSettings.defaults(), hello -> Optional.empty(), Map.of(), this::answer);
                    fresh.start();
                    server = fresh;
                    return true;
                });
        // The first call may find the old connection dead; a caller retries what is safe to retry.
        String answer = null;
        for (int attempt = 0; attempt < 3 && answer == null; attempt++) {
            try {
                answer = text(caller.call("echo", "two".getBytes(StandardCharsets.UTF_8), PATIENCE));
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(CallFailedException.class);
            }
        }
        assertThat(answer).isEqualTo("agent-n1:two");
    }

    @Test
    void aRequestWithAGarbageBodyClosesOnlyThatConnection() throws Exception {
        try (Socket socket =
                new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(5_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.write(WireFormat.encode(FrameType.HELLO, Hello.of("x", "y").encode()));
            out.write(WireFormat.encode(FrameType.REQUEST, new byte[] {1, 2, 3}));
            out.flush();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(server.protocolViolations()).isEqualTo(1);
        assertThat(text(caller.call("echo", "still".getBytes(StandardCharsets.UTF_8), PATIENCE)))
                .isEqualTo("agent-n1:still");
    }
}
