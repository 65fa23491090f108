package dev.atoll.wire.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.wire.Hello;
import dev.atoll.wire.RequestHandler;
import dev.atoll.wire.WireCaller;
import dev.atoll.wire.WireServer;
import dev.atoll.wire.WireSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process renews its short-lived certificate on schedule, under traffic, without a failed call. */
class CertificateRenewalTest {
    /** Renewed at 6 s, leaving 3 s for a busy machine to renew before the old one expires. */
    private static final Duration LIFETIME = Duration.ofSeconds(9);

    private final CertificateAuthority ca = CertificateAuthority.create("test", Instant.now());
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final Set<String> serialsSeen = ConcurrentHashMap.newKeySet();

    @TempDir
    Path dataDir;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) c.close();
        scheduler.shutdownNow();
    }

    private CompletableFuture<X509Certificate> sign(PeerRole role, String name, byte[] csr) {
        return CompletableFuture.supplyAsync(() -> ca.issue(csr, role, name, Instant.now(), LIFETIME));
    }

    @Test
    void anAgentRenewsAtTwoThirdsOfItsLifetimeWhileItsCallsKeepBeingAnswered() throws Exception {
        // Given a site and an agent whose certificates live 9 s, both renewing on schedule,
        CloudIdentity site = new CloudIdentity(
                ca.certificate(),
                ca.issueFor(Certificates.newKeyPair(), PeerRole.SITE, "london", Instant.now(), LIFETIME));
        CloudIdentity agent = new CloudIdentity(
                ca.certificate(),
                ca.issueFor(Certificates.newKeyPair(), PeerRole.AGENT, "n1", Instant.now(), LIFETIME));
        WireServer server = new WireServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                WireSettings.defaults(),
                hello -> Optional.empty(),
                Map.of(),
                new RequestHandler() {
                    @Override
                    public CompletableFuture<byte[]> handle(Hello from, String method, byte[] body) {
                        return CompletableFuture.completedFuture(body);
                    }

                    @Override
                    public CompletableFuture<byte[]> handle(
                            Hello from, Optional<PeerIdentity> certified, String method, byte[] body) {
                        certified.ifPresent(p -> serialsSeen.add(
                                p.certificate().getSerialNumber().toString(16)));
                        return CompletableFuture.completedFuture(body);
                    }
                },
                WireTls.accepting(site, PeerRole.AGENT));
        closing.add(server);
        InetSocketAddress address = server.start();
        var siteRenewal =
                new CertificateRenewal(site, null, csr -> sign(PeerRole.SITE, "london", csr), scheduler).start();
        var agentRenewal =
                new CertificateRenewal(agent, dataDir, csr -> sign(PeerRole.AGENT, "n1", csr), scheduler).start();
        closing.add(siteRenewal);
        closing.add(agentRenewal);

        // when the agent calls steadily for 13 s, opening a new connection every second or so,
        List<CompletableFuture<byte[]>> calls = new ArrayList<>();
        WireCaller steady = caller(address, agent);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(13);
        int round = 0;
        while (System.nanoTime() < end) {
            calls.add(steady.call("agent.heartbeat", new byte[] {1}, Duration.ofSeconds(5)));
            if (++round % 20 == 0)
                calls.add(caller(address, agent).call("agent.report", new byte[] {2}, Duration.ofSeconds(5)));
            Thread.sleep(50);
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        // then both renewed at least once, no call failed, the server saw several certificates of the
        // agent, and the agent's data dir holds its newest one.
        assertThat(agentRenewal.renewals()).isGreaterThanOrEqualTo(1);
        assertThat(siteRenewal.renewals()).isGreaterThanOrEqualTo(1);
        assertThat(calls).allMatch(c -> !c.isCompletedExceptionally());
        assertThat(serialsSeen).hasSizeGreaterThanOrEqualTo(2);
        assertThat(CloudIdentity.load(dataDir).credentials().certificate())
                .isEqualTo(agent.credentials().orElseThrow().certificate());
        assertThat(site.refusals().total() + agent.refusals().total()).isZero();
    }

    private WireCaller caller(InetSocketAddress address, CloudIdentity as) {
        WireCaller caller = new WireCaller(
                "london",
                address,
                Hello.of("london", "agent:n1"),
                WireSettings.defaults(),
                256,
                WireTls.accepting(as, PeerRole.SITE));
        closing.add(caller);
        return caller;
    }
}
