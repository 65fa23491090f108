package dev.atoll.control.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScalecubeMembershipTest {
    /** Generous: the timings aim at seconds, a loaded 2-core machine may take several times that. */
    private static final Duration BOUND = Duration.ofSeconds(20);

    private final GossipCloud cloud = new GossipCloud(GossipTimings.LAN);

    @AfterEach
    void closeEverySite() {
        cloud.close();
    }

    private void startThreeSitesAndWaitForThem() {
        for (String site : List.of("london", "paris", "berlin")) cloud.start(site);
        for (String site : List.of("london", "paris", "berlin")) {
            await().atMost(BOUND)
                    .untilAsserted(
                            () -> assertThat(cloud.site(site).members()).containsOnlyKeys("london", "paris", "berlin"));
        }
    }

    @Test
    void threeSitesLearnEachOthersCards() {
        startThreeSitesAndWaitForThem();

        assertThat(cloud.site("paris").members().get("london")).isEqualTo(GossipCloud.aCard("london"));
        assertThat(cloud.site("london").members().get("berlin")).isEqualTo(GossipCloud.aCard("berlin"));
        // london listened before the others joined; a later site learns of earlier ones while
        // starting, before it can subscribe, and reads them from members() instead.
        assertThat(cloud.eventsSeenBy("london"))
                .contains(
                        new MembershipEvent.Joined(GossipCloud.aCard("paris")),
                        new MembershipEvent.Joined(GossipCloud.aCard("berlin")));
    }

    @Test
    void aPublishedCardReachesEverySiteWithAHigherSequence() {
        startThreeSitesAndWaitForThem();
        SiteCard busier = GossipCloud.aCard("paris");
        busier = new SiteCard(
                busier.site(),
                busier.info(),
                busier.apiUrl(),
                busier.wireAddresses(),
                List.of(),
                42,
                "degraded",
                busier.version(),
                busier.sequence());

        cloud.site("paris").publish(busier);

        SiteCard expected = busier.withSequence(2);
        assertThat(cloud.site("paris").members().get("paris")).isEqualTo(expected);
        for (String other : List.of("london", "berlin")) {
            await().atMost(BOUND)
                    .untilAsserted(() ->
                            assertThat(cloud.site(other).members().get("paris")).isEqualTo(expected));
            assertThat(cloud.eventsSeenBy(other)).contains(new MembershipEvent.Updated(expected));
        }
    }

    @Test
    void aSiteThatStopsAnsweringIsDeclaredDeadByTheOthers() {
        startThreeSitesAndWaitForThem();

        cloud.halt("berlin");

        for (String other : List.of("london", "paris")) {
            await().atMost(BOUND).untilAsserted(() -> assertThat(cloud.eventsSeenBy(other))
                    .contains(new MembershipEvent.Dead("berlin")));
            assertThat(cloud.site(other).members()).containsOnlyKeys("london", "paris");
            assertThat(cloud.eventsSeenBy(other)).doesNotContain(new MembershipEvent.Left("berlin"));
        }
    }

    @Test
    void aSiteThatLeavesIsSeenLeavingNotDying() {
        startThreeSitesAndWaitForThem();

        cloud.close("berlin");

        for (String other : List.of("london", "paris")) {
            await().atMost(BOUND).untilAsserted(() -> assertThat(cloud.eventsSeenBy(other))
                    .contains(new MembershipEvent.Left("berlin")));
            assertThat(cloud.site(other).members()).containsOnlyKeys("london", "paris");
        }
        // The removal that follows a leave must not be reported as a death as well.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                        cloud.eventsSeenBy("london"))
                .doesNotContain(new MembershipEvent.Dead("berlin")));
    }

    @Test
    void roundTripTimesToTheOtherSitesAreMeasuredAndPositive() {
        startThreeSitesAndWaitForThem();

        await().atMost(BOUND)
                .untilAsserted(() -> assertThat(cloud.site("london").rttMs())
                        .containsOnlyKeys("paris", "berlin")
                        .allSatisfy((site, ms) -> assertThat(ms).isPositive().isLessThan(1000.0)));
    }
}
