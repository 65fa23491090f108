package dev.atoll.control.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.site.SiteCommand;
import dev.atoll.wire.CallFailedException;
import dev.atoll.wire.Failures;
import dev.atoll.wire.tls.CertificateAuthority;
import dev.atoll.wire.tls.Certificates;
import dev.atoll.wire.tls.CloudIdentity;
import dev.atoll.wire.tls.Credentials;
import dev.atoll.wire.tls.JoinCalls;
import dev.atoll.wire.tls.PeerIdentity;
import dev.atoll.wire.tls.PeerRole;
import dev.atoll.wire.tls.Pem;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A site signs a joining process' CSR for a valid token, once; bad requests get a clear reason. */
class JoinCallHandlerTest {
    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
    private final CertificateAuthority ca = CertificateAuthority.create("test", NOW);
    private final SortedMap<String, JoinToken> tokens = new TreeMap<>();
    private final List<SiteCommand> logged = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    /** The log: the same decision the state machine applies. */
    private CompletableFuture<Object> log(SiteCommand command) {
        logged.add(command);
        return CompletableFuture.completedFuture(
                switch (command) {
                    case SiteCommand.ConsumeJoinToken c ->
                        JoinTokens.consume(tokens, c.id(), c.secretHash(), c.role(), c.site(), c.by(), c.at());
                    default -> throw new AssertionError(command);
                });
    }

    private final JoinCallHandler london = new JoinCallHandler("london", ca, this::log, clock, Duration.ofHours(24));

    private String token(PeerRole role, String site, Duration ttl) {
        var issued = JoinTokens.issue(new SecureRandom(), role, site, NOW, ttl);
        tokens.put(issued.record().id(), issued.record());
        return issued.text();
    }

    private static String csr(KeyPair pair, String name) {
        return Pem.encode("CERTIFICATE REQUEST", Certificates.csr(pair, name));
    }

    private CompletableFuture<byte[]> join(String method, String token, String name, String csr) {
        return london.handle(Optional.empty(), method, JoinCalls.write(new JoinCalls.JoinRequest(token, name, csr)));
    }

    private static String refusal(CompletableFuture<byte[]> answer) {
        try {
            answer.join();
        } catch (RuntimeException e) {
            Throwable cause = Failures.unwrap(e);
            if (cause instanceof CallFailedException f && f.reason() == CallFailedException.Reason.REFUSED) {
                return f.getMessage();
            }
            throw e;
        }
        throw new AssertionError("answered");
    }

    @Test
    void anAgentWithAValidTokenGetsAnAgentCertificateForItsOwnKeyAndNoCaKey() throws Exception {
        KeyPair pair = Certificates.newKeyPair();
        String token = token(PeerRole.AGENT, "london", Duration.ofHours(1));

        var answer = JoinCalls.readAnswer(
                join(JoinCalls.JOIN_AGENT, token, "n1", csr(pair, "n1")).join());

        var cert = Pem.parseCertificate(answer.certificate());
        assertThat(cert.getPublicKey()).isEqualTo(pair.getPublic());
        assertThat(Pem.parseCertificate(answer.ca())).isEqualTo(ca.certificate());
        assertThat(answer.caKey()).isEmpty();
        PeerIdentity who = new CloudIdentity(ca.certificate(), null, clock, new dev.atoll.wire.tls.TlsRefusals())
                .verify(new java.security.cert.Certificate[] {cert});
        assertThat(who.role()).isEqualTo(PeerRole.AGENT);
        assertThat(who.name()).isEqualTo("n1");
        assertThat(who.notAfter()).isEqualTo(NOW.minus(Duration.ofMinutes(1)).plus(Duration.ofHours(24)));
    }

    @Test
    void aSiteThatJoinsGetsTheCaKeyToSignItsAgents() {
        String token = token(PeerRole.SITE, null, Duration.ofHours(1));

        var answer =
                JoinCalls.readAnswer(join(JoinCalls.JOIN_SITE, token, "paris", csr(Certificates.newKeyPair(), "paris"))
                        .join());

        assertThat(Pem.parsePrivateKey(answer.caKey())).isEqualTo(ca.key());
    }

    @Test
    void aTokenUsedTwiceIsRefusedTheSecondTime() {
        String token = token(PeerRole.AGENT, "london", Duration.ofHours(1));
        join(JoinCalls.JOIN_AGENT, token, "n1", csr(Certificates.newKeyPair(), "n1"))
                .join();

        assertThat(refusal(join(JoinCalls.JOIN_AGENT, token, "n2", csr(Certificates.newKeyPair(), "n2"))))
                .contains("was already used at " + NOW + " (by n1)");
    }

    @Test
    void anExpiredTokenIsRefused() {
        var issued = JoinTokens.issue(
                new SecureRandom(), PeerRole.AGENT, "london", NOW.minusSeconds(7200), Duration.ofHours(1));
        tokens.put(issued.record().id(), issued.record());

        assertThat(refusal(join(JoinCalls.JOIN_AGENT, issued.text(), "n1", csr(Certificates.newKeyPair(), "n1"))))
                .isEqualTo("join token " + issued.record().id() + " expired at " + NOW.minusSeconds(3600));
    }

    @Test
    void aBadCsrIsRefusedWithAClearReasonAndLeavesTheTokenUnused() {
        String token = token(PeerRole.AGENT, "london", Duration.ofHours(1));
        String notPem = "hello";
        String notACsr = Pem.encode("CERTIFICATE REQUEST", new byte[] {1, 2, 3});
        KeyPair mine = Certificates.newKeyPair();
        KeyPair other = Certificates.newKeyPair();
        // A CSR whose signature was made by another key than the one it carries.
        byte[] signedByOther = Certificates.csr(other, "n1");
        byte[] carried = Certificates.csr(mine, "n1");
        byte[] forged = java.util.Arrays.copyOf(carried, carried.length);
        System.arraycopy(signedByOther, signedByOther.length - 8, forged, forged.length - 8, 8);

        assertThat(refusal(join(JoinCalls.JOIN_AGENT, token, "n1", notPem)))
                .isEqualTo(
                        "csr: not a PEM CERTIFICATE REQUEST (no -----BEGIN CERTIFICATE REQUEST----- ... -----END CERTIFICATE REQUEST-----)");
        assertThat(refusal(join(JoinCalls.JOIN_AGENT, token, "n1", notACsr)))
                .startsWith("csr: the CSR is not a PKCS#10 request");
        assertThat(refusal(join(JoinCalls.JOIN_AGENT, token, "n1", Pem.encode("CERTIFICATE REQUEST", forged))))
                .startsWith("csr: the CSR's signature");
        assertThat(refusal(join(JoinCalls.JOIN_AGENT, token, "N 1", csr(mine, "n1"))))
                .startsWith("name: \"N 1\" is not a site or node name");
        assertThat(refusal(join(JoinCalls.JOIN_AGENT, "atoll_x", "n1", csr(mine, "n1"))))
                .startsWith("token: not a join token");
        assertThat(logged).isEmpty();

        join(JoinCalls.JOIN_AGENT, token, "n1", csr(mine, "n1")).join();
    }

    @Test
    void aProcessRenewsForTheRoleAndNameOfItsCurrentCertificate() {
        Credentials current =
                ca.issueFor(Certificates.newKeyPair(), PeerRole.AGENT, "n1", NOW.minusSeconds(60), Duration.ofHours(1));
        PeerIdentity peer = new PeerIdentity(PeerRole.AGENT, "n1", current.notAfter(), current.certificate());
        KeyPair fresh = Certificates.newKeyPair();

        // It asks for another name in its CSR; the certificate still names what it is.
        byte[] answer = london.handle(Optional.of(peer), JoinCalls.RENEW, JoinCalls.write(csr(fresh, "n9")))
                .join();

        var cert = Pem.parseCertificate(JoinCalls.read(answer, 1)[0]);
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("O=atoll,OU=agent,CN=n1");
        assertThat(cert.getPublicKey()).isEqualTo(fresh.getPublic());
        assertThat(refusal(london.handle(Optional.empty(), JoinCalls.RENEW, JoinCalls.write(csr(fresh, "n1")))))
                .isEqualTo("renewing needs the certificate being renewed");
    }
}
