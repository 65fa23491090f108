package dev.atoll.control.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.wire.tls.CertificateAuthority;
import dev.atoll.wire.tls.Certificates;
import dev.atoll.wire.tls.CloudIdentity;
import dev.atoll.wire.tls.PeerRole;
import dev.atoll.wire.tls.RefusalReason;
import dev.atoll.wire.tls.TlsRefusals;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gossip carries site cards signed by their site; receivers drop (and count) the rest. */
class SignedCardsTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    private final GossipCloud cloud = new GossipCloud(GossipTimings.LAN);
    private final CertificateAuthority ca = CertificateAuthority.create("test", Instant.now());
    private final TlsRefusals londonRefusals = new TlsRefusals();

    @AfterEach
    void close() {
        cloud.close();
    }

    private CloudIdentity identity(CertificateAuthority by, PeerRole role, String name, TlsRefusals refusals) {
        return new CloudIdentity(
                by.certificate(),
                by.issueFor(Certificates.newKeyPair(), role, name, Instant.now().minusSeconds(60), Duration.ofHours(1)),
                Clock.systemUTC(),
                refusals);
    }

    private CardSeal seal(PeerRole role, String name) {
        return CardSeal.signedBy(identity(ca, role, name, new TlsRefusals()));
    }

    @Test
    void sitesWithCertificatesOfTheCloudSeeEachOther() {
        cloud.start("london", CardSeal.signedBy(identity(ca, PeerRole.SITE, "london", londonRefusals)));
        cloud.start("paris", seal(PeerRole.SITE, "paris"));

        await().atMost(BOUND)
                .untilAsserted(() -> assertThat(cloud.site("london").members()).containsOnlyKeys("london", "paris"));
        assertThat(cloud.site("paris").members().get("london")).isEqualTo(GossipCloud.aCard("london"));
        assertThat(londonRefusals.total()).isZero();
    }

    @Test
    void unsignedForeignAgentSignedAndImpersonatingCardsAreDroppedAndCounted() throws Exception {
        cloud.start("london", CardSeal.signedBy(identity(ca, PeerRole.SITE, "london", londonRefusals)));
        cloud.start("paris", seal(PeerRole.SITE, "paris"));
        // Given members whose cards are not signed, signed by another CA, by an agent, or by another site,
        cloud.start("plain", CardSeal.NONE);
        CertificateAuthority other = CertificateAuthority.create("other", Instant.now());
        cloud.start("foreign", CardSeal.signedBy(identity(other, PeerRole.SITE, "foreign", new TlsRefusals())));
        cloud.start("agentish", seal(PeerRole.AGENT, "agentish"));
        cloud.start("berlin", seal(PeerRole.SITE, "paris"));

        // then london knows only paris, and says why it dropped each of the others.
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(londonRefusals.count(RefusalReason.NO_CERTIFICATE)).isPositive();
            assertThat(londonRefusals.count(RefusalReason.UNKNOWN_CA)).isPositive();
            assertThat(londonRefusals.count(RefusalReason.WRONG_ROLE)).isGreaterThanOrEqualTo(2);
        });
        await().atMost(BOUND)
                .untilAsserted(() -> assertThat(cloud.site("london").members()).containsKey("paris"));
        assertThat(cloud.site("london").members()).containsOnlyKeys("london", "paris");
        assertThat(Optional.ofNullable(cloud.site("paris").members().get("berlin")))
                .isEmpty();
    }
}
