package dev.atoll.wire.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.atoll.wire.CallFailedException;
import dev.atoll.wire.FrameType;
import dev.atoll.wire.Hello;
import dev.atoll.wire.RequestHandler;
import dev.atoll.wire.WireCaller;
import dev.atoll.wire.WireClient;
import dev.atoll.wire.WireServer;
import dev.atoll.wire.WireSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A wire server speaking mutual TLS: who it lets in, who it refuses and why, and rotation. */
class WireTlsTest {
    private static final InetSocketAddress LOOPBACK_ANY_PORT =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Duration DAY = Duration.ofHours(24);

    private final CertificateAuthority ca = CertificateAuthority.create("test", Instant.now());
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final Set<String> serialsSeen = ConcurrentHashMap.newKeySet();
    private final List<String> streamed = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) c.close();
    }

    private Credentials issued(PeerRole role, String name) {
        return ca.issueFor(Certificates.newKeyPair(), role, name, Instant.now().minusSeconds(60), DAY);
    }

    private CloudIdentity identity(PeerRole role, String name) {
        return new CloudIdentity(ca.certificate(), issued(role, name));
    }

    /** Echoes the body and remembers the caller certificate's serial number. */
    private final RequestHandler echo = new RequestHandler() {
        @Override
        public CompletableFuture<byte[]> handle(Hello from, String method, byte[] body) {
            return CompletableFuture.completedFuture(body);
        }

        @Override
        public CompletableFuture<byte[]> handle(
                Hello from, Optional<PeerIdentity> certified, String method, byte[] body) {
            certified.ifPresent(
                    p -> serialsSeen.add(p.certificate().getSerialNumber().toString(16)));
            return CompletableFuture.completedFuture(body);
        }
    };

    private InetSocketAddress serve(WireTls tls) {
        WireServer server = new WireServer(
                LOOPBACK_ANY_PORT,
                WireSettings.defaults().withReadTimeout(Duration.ofSeconds(2)),
                hello -> Optional.empty(),
                Map.of(FrameType.RAFT, (from, payload) -> streamed.add(new String(payload, StandardCharsets.UTF_8))),
                echo,
                tls);
        closing.add(server);
        return server.start();
    }

    private WireCaller caller(InetSocketAddress address, CloudIdentity as) {
        WireCaller caller = new WireCaller(
                "london",
                address,
                Hello.of("london", "c1"),
                WireSettings.defaults(),
                1024,
                WireTls.accepting(as, PeerRole.SITE));
        closing.add(caller);
        return caller;
    }

    private static String call(WireCaller caller, String method, String body) {
        return new String(
                caller.call(method, body.getBytes(StandardCharsets.UTF_8), PATIENCE)
                        .join(),
                StandardCharsets.UTF_8);
    }

    private static String callFailure(WireCaller caller, String method) {
        try {
            caller.call(method, new byte[0], PATIENCE).join();
        } catch (RuntimeException e) {
            Throwable cause = dev.atoll.wire.Failures.unwrap(e);
            return cause instanceof CallFailedException f ? f.reason() + ": " + f.getMessage() : cause.toString();
        }
        throw new AssertionError(method + " was answered");
    }

    @Test
    void aSiteWithAValidCertificateIsAnsweredAndKnownByItsCertificate() {
        CloudIdentity server = identity(PeerRole.SITE, "london");
        InetSocketAddress address = serve(WireTls.accepting(server, PeerRole.SITE));
        CloudIdentity client = identity(PeerRole.SITE, "frankfurt");

        assertThat(call(caller(address, client), "site.offer", "hi")).isEqualTo("hi");

        assertThat(serialsSeen)
                .containsExactly(client.credentials()
                        .orElseThrow()
                        .certificate()
                        .getSerialNumber()
                        .toString(16));
        assertThat(server.refusals().total()).isZero();
    }

    @Test
    void aClientWithoutACertificateIsRefusedAndCounted() {
        CloudIdentity server = identity(PeerRole.SITE, "london");
        InetSocketAddress address = serve(WireTls.accepting(server, PeerRole.SITE));
        CloudIdentity anonymous = new CloudIdentity(ca.certificate(), null);

        assertThat(callFailure(caller(address, anonymous), "site.offer")).startsWith("UNREACHABLE");

        Awaitility.await().atMost(PATIENCE).until(() -> server.refusals().count(RefusalReason.NO_CERTIFICATE) == 1);
        assertThat(server.refusals().total()).isEqualTo(1);
    }

    @Test
    void aClientWithACertificateOfAnotherCaIsRefused() {
        CloudIdentity server = identity(PeerRole.SITE, "london");
        InetSocketAddress address = serve(WireTls.accepting(server, PeerRole.SITE));
        CertificateAuthority other = CertificateAuthority.create("other", Instant.now());
        Credentials foreign = other.issueFor(
                Certificates.newKeyPair(),
                PeerRole.SITE,
                "frankfurt",
                Instant.now().minusSeconds(60),
                DAY);
        // The intruder trusts our CA (it could have copied ca.crt), but its own certificate is not ours.
        CloudIdentity intruder = new CloudIdentity(ca.certificate(), null);
        assertThatThrownBy(() -> intruder.rotate(foreign)).isInstanceOf(IllegalArgumentException.class);
        intruder.present(foreign);

        assertThat(callFailure(caller(address, intruder), "site.offer")).startsWith("UNREACHABLE");

        Awaitility.await().atMost(PATIENCE).until(() -> server.refusals().count(RefusalReason.UNKNOWN_CA) >= 1);
        assertThat(serialsSeen).isEmpty();
    }

    @Test
    void aClientWithAnExpiredCertificateIsRefused() {
        CloudIdentity server = identity(PeerRole.SITE, "london");
        InetSocketAddress address = serve(WireTls.accepting(server, PeerRole.SITE));
        Credentials expired = ca.issueFor(
                Certificates.newKeyPair(),
                PeerRole.SITE,
                "frankfurt",
                Instant.now().minus(Duration.ofHours(3)),
                Duration.ofHours(1));
        CloudIdentity client = new CloudIdentity(ca.certificate(), expired);

        assertThat(callFailure(caller(address, client), "site.offer")).startsWith("UNREACHABLE");

        Awaitility.await().atMost(PATIENCE).until(() -> server.refusals().count(RefusalReason.EXPIRED) == 1);
        assertThat(serialsSeen).isEmpty();
    }

    @Test
    void anAgentCertificateCannotSpeakRaft() throws Exception {
        CloudIdentity server = identity(PeerRole.SITE, "london");
        InetSocketAddress address = serve(WireTls.accepting(server, PeerRole.SITE));
        CloudIdentity agent = identity(PeerRole.AGENT, "n1");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        closing.add(scheduler::shutdownNow);
        WireClient raft = new WireClient(
                "london-c1",
                address,
                Hello.of("london", "c2"),
                WireSettings.defaults(),
                scheduler,
                WireTls.accepting(agent, PeerRole.SITE));
        closing.add(raft);

        raft.send(FrameType.RAFT, "vote for me".getBytes(StandardCharsets.UTF_8));

        Awaitility.await().atMost(PATIENCE).until(() -> server.refusals().count(RefusalReason.WRONG_ROLE) >= 1);
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(streamed).isEmpty();
    }

    @Test
    void anAgentMayCallAgentMethodsButNotSiteMethodsOfASite() {
        CloudIdentity server = identity(PeerRole.SITE, "london");
        InetSocketAddress address =
                serve(WireTls.accepting(server, PeerRole.SITE, PeerRole.AGENT).withMethod("site.", PeerRole.SITE));
        WireCaller agent = caller(address, identity(PeerRole.AGENT, "n1"));

        assertThat(call(agent, "agent.heartbeat", "n1")).isEqualTo("n1");
        assertThat(callFailure(agent, "site.offer"))
                .isEqualTo("REFUSED: london: refused: agent certificates may not call site.offer");
        assertThat(server.refusals().count(RefusalReason.WRONG_ROLE)).isEqualTo(1);
    }

    @Test
    void aProcessWithoutACertificateMayOnlyJoin() {
        CloudIdentity server = identity(PeerRole.SITE, "london");
        InetSocketAddress address =
                serve(WireTls.accepting(server, PeerRole.SITE, PeerRole.AGENT).withAnonymous(Set.of("join.agent")));
        WireCaller joining = caller(address, new CloudIdentity(ca.certificate(), null));

        assertThat(call(joining, "join.agent", "token")).isEqualTo("token");
        assertThat(callFailure(joining, "agent.heartbeat"))
                .startsWith("REFUSED: london: refused: a peer without a certificate may call only [join.agent]");
        assertThat(server.refusals().count(RefusalReason.NO_CERTIFICATE)).isEqualTo(1);
    }

    @Test
    void aClientRefusesAServerOfAnotherCloud() {
        CertificateAuthority other = CertificateAuthority.create("other", Instant.now());
        CloudIdentity impostor = new CloudIdentity(
                other.certificate(),
                other.issueFor(
                        Certificates.newKeyPair(),
                        PeerRole.SITE,
                        "london",
                        Instant.now().minusSeconds(60),
                        DAY));
        InetSocketAddress address = serve(WireTls.accepting(impostor, PeerRole.SITE));
        CloudIdentity client = identity(PeerRole.SITE, "frankfurt");

        assertThat(callFailure(caller(address, client), "site.offer")).startsWith("UNREACHABLE");
        assertThat(client.refusals().count(RefusalReason.UNKNOWN_CA)).isEqualTo(1);
    }

    @Test
    void aJoiningProcessLearnsTheCaOnlyWhenItsFingerprintMatches() throws Exception {
        CloudIdentity server = identity(PeerRole.SITE, "london");
        InetSocketAddress address =
                serve(WireTls.accepting(server, PeerRole.SITE, PeerRole.AGENT).withAnonymous(Set.of("join.agent")));

        assertThat(JoinTrust.fetchCa(address, ca.fingerprint().toUpperCase(), PATIENCE))
                .isEqualTo(ca.certificate());
        String wrong = CertificateAuthority.create("other", Instant.now()).fingerprint();
        assertThatThrownBy(() -> JoinTrust.fetchCa(address, wrong, PATIENCE))
                .hasMessageContaining("cannot learn the cloud CA");
    }

    @Test
    void certificatesRotateUnderTrafficWithoutAFailedCall() throws Exception {
        CloudIdentity server = identity(PeerRole.SITE, "london");
        InetSocketAddress address = serve(WireTls.accepting(server, PeerRole.SITE));
        CloudIdentity client = identity(PeerRole.SITE, "frankfurt");
        String firstSerial = client.credentials()
                .orElseThrow()
                .certificate()
                .getSerialNumber()
                .toString(16);
        WireCaller longLived = caller(address, client);
        List<CompletableFuture<byte[]>> calls = new ArrayList<>();
        String secondSerial = null;

        // Given steady traffic (rounds of 20 calls in flight) on a connection opened with the first certificates,
        for (int round = 0; round < 20; round++) {
            List<CompletableFuture<byte[]>> inFlight = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                inFlight.add(longLived.call(
                        "site.report", ("r" + round + "." + i).getBytes(StandardCharsets.UTF_8), PATIENCE));
            }
            if (round == 10) {
                // when both sides rotate while calls are in flight,
                client.rotate(issued(PeerRole.SITE, "frankfurt"));
                server.rotate(issued(PeerRole.SITE, "london"));
                secondSerial = client.credentials()
                        .orElseThrow()
                        .certificate()
                        .getSerialNumber()
                        .toString(16);
            }
            if (round % 5 == 4) {
                // and new connections are opened meanwhile,
                inFlight.add(caller(address, client).call("site.report", new byte[] {1}, PATIENCE));
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            calls.addAll(inFlight);
        }

        // then every call is answered, the old connection still works, and new ones present the new certificate.
        assertThat(calls).hasSize(20 * 20 + 4).allMatch(c -> !c.isCompletedExceptionally());
        assertThat(serialsSeen).containsExactlyInAnyOrder(firstSerial, secondSerial);
        assertThat(server.refusals().total() + client.refusals().total()).isZero();
    }

    @Test
    void aSiteCertificateOfAnotherSiteCannotJoinThisSitesRaftGroup() throws Exception {
        CloudIdentity server = identity(PeerRole.SITE, "london");
        InetSocketAddress address =
                serve(WireTls.accepting(server, PeerRole.SITE).sameGroupOnly());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        closing.add(scheduler::shutdownNow);
        WireClient paris = new WireClient(
                "london-c1",
                address,
                Hello.of("london", "c2"),
                WireSettings.defaults(),
                scheduler,
                WireTls.accepting(identity(PeerRole.SITE, "paris"), PeerRole.SITE));
        WireClient london = new WireClient(
                "london-c1",
                address,
                Hello.of("london", "c3"),
                WireSettings.defaults(),
                scheduler,
                WireTls.accepting(identity(PeerRole.SITE, "london"), PeerRole.SITE));
        closing.add(paris);
        closing.add(london);

        paris.send(FrameType.RAFT, "from paris".getBytes(StandardCharsets.UTF_8));
        london.send(FrameType.RAFT, "from london".getBytes(StandardCharsets.UTF_8));

        Awaitility.await().atMost(PATIENCE).until(() -> streamed.contains("from london"));
        Awaitility.await().atMost(PATIENCE).until(() -> server.refusals().count(RefusalReason.WRONG_ROLE) == 1);
        assertThat(streamed).containsExactly("from london");
    }
}
