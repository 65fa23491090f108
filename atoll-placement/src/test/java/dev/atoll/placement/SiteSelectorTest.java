package dev.atoll.placement;

import static dev.atoll.placement.Fixtures.aNode;
import static dev.atoll.placement.Fixtures.aService;
import static dev.atoll.placement.Fixtures.aSite;
import static dev.atoll.placement.Fixtures.counts;
import static dev.atoll.placement.Fixtures.siteRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SiteSelectorTest {
    private static final double PARIS_LAT = 48.86;
    private static final double PARIS_LON = 2.35;

    private static SiteDecision.Chosen chosen(SiteRequest request) {
        SiteDecision decision = SiteSelector.select(request);
        assertThat(decision).isInstanceOf(SiteDecision.Chosen.class);
        return (SiteDecision.Chosen) decision;
    }

    private static String why(SiteRequest request) {
        SiteDecision decision = SiteSelector.select(request);
        assertThat(decision).isInstanceOf(SiteDecision.NoSite.class);
        return ((SiteDecision.NoSite) decision).why().toString();
    }

    private static Set<String> feasible(SiteRequest request) {
        var c = chosen(request);
        Set<String> all = new HashSet<>(c.alternatives());
        all.add(c.site());
        return all;
    }

    @Test
    void keepsToTheRequiredJurisdictions() {
        var request = siteRequest(
                aService("web").inJurisdictions("EU"),
                aSite("london").withNodes(1),
                aSite("frankfurt").withNodes(1),
                aSite("paris").withNodes(1));
        assertThat(feasible(request)).containsExactlyInAnyOrder("frankfurt", "paris");
    }

    @Test
    void keepsToTheRequiredCountries() {
        var request = siteRequest(
                aService("web").inCountries("DE"),
                aSite("frankfurt").withNodes(1),
                aSite("paris").withNodes(1));
        assertThat(feasible(request)).containsExactly("frankfurt");
    }

    @Test
    void keepsToPinnedSitesAndAwayFromAvoidedOnes() {
        var sites = new Fixtures.SiteBuilder[] {
            aSite("london").withNodes(1),
            aSite("frankfurt").withNodes(1),
            aSite("paris").withNodes(1)
        };
        assertThat(feasible(siteRequest(aService("web").pinnedTo("london", "paris"), sites)))
                .containsExactlyInAnyOrder("london", "paris");
        assertThat(feasible(siteRequest(aService("web").avoiding("london"), sites)))
                .containsExactlyInAnyOrder("frankfurt", "paris");
    }

    @Test
    void skipsUnhealthySites() {
        var request = siteRequest(
                aService("web"),
                aSite("london").withNodes(1).unhealthy(),
                aSite("paris").withNodes(1));
        assertThat(feasible(request)).containsExactly("paris");
    }

    @Test
    void keepsWithinTheLatencyBoundOfEveryRegion() {
        // Paris to London or Frankfurt is under 15 ms estimated; New York is about 63 ms away.
        var request = siteRequest(
                aService("web").nearUsers("paris", PARIS_LAT, PARIS_LON, 15),
                aSite("london").withNodes(1),
                aSite("frankfurt").withNodes(1),
                aSite("new-york").withNodes(1));
        assertThat(feasible(request)).containsExactlyInAnyOrder("london", "frankfurt");
        var twoRegions = siteRequest(
                aService("web").nearUsers("paris", PARIS_LAT, PARIS_LON, 15).nearUsers("berlin", 52.52, 13.40, 10),
                aSite("london").withNodes(1),
                aSite("frankfurt").withNodes(1),
                aSite("new-york").withNodes(1));
        assertThat(feasible(twoRegions)).containsExactly("frankfurt");
    }

    @Test
    void antiAffinityAcrossSitesSkipsSitesWithAReplica() {
        var request = siteRequest(
                aService("web").antiAffinity(AntiAffinity.SITE),
                counts("london", 1),
                2,
                aSite("london").withNodes(3),
                aSite("paris").withNodes(1));
        assertThat(feasible(request)).containsExactly("paris");
    }

    @Test
    void spreadAcrossSitesOpensANewSiteOnlyWhenTheRemainingReplicasAreJustEnough() {
        var service = aService("web").packed().spreadAcross(Domain.SITE, 2);
        var sites = new Fixtures.SiteBuilder[] {
            aSite("london").withNodes(3), aSite("paris").withNodes(1)
        };
        assertThat(feasible(siteRequest(service, counts("london", 3), 1, sites)))
                .containsExactly("paris");
        assertThat(chosen(siteRequest(service, counts("london", 3), 2, sites)).site())
                .isEqualTo("london");
    }

    @Test
    void requiredTagsMayBeOnTheSiteOrOnANode() {
        var request = siteRequest(
                aService("web").requiringTags("gpu"),
                aSite("london").withNodes(2),
                aSite("frankfurt").tagged("gpu").withNodes(1),
                aSite("paris").withNodes(1).withNode(aNode("p-gpu").tagged("gpu")));
        assertThat(feasible(request)).containsExactlyInAnyOrder("frankfurt", "paris");
    }

    @Test
    void aSiteNeedsAReadyNodeWithRoom() {
        var request = siteRequest(
                aService("web").needing("1", "2Gi"),
                aSite("london").withNode(aNode("l1").allocated("0", "7Gi")),
                aSite("frankfurt").withNode(aNode("f1").notReady()),
                aSite("paris").withNode(aNode("p1").allocated("0", "7Gi")).withNode(aNode("p2")));
        assertThat(feasible(request)).containsExactly("paris");
    }

    @Test
    void antiAffinityAcrossNodesNeedsMoreNodesThanReplicasThere() {
        var request = siteRequest(
                aService("web").antiAffinity(AntiAffinity.NODE),
                counts("london", 2),
                1,
                aSite("london").withNodes(2),
                aSite("paris").withNodes(1));
        assertThat(feasible(request)).containsExactly("paris");
    }

    @Test
    void excludedSitesAreNotOfferedTheReplicaAgain() {
        var base = siteRequest(
                aService("web"), aSite("london").withNodes(1), aSite("paris").withNodes(1));
        var request =
                new SiteRequest(base.service(), base.sites(), Map.of(), 1, Set.of("london"), LatencyModel.ESTIMATED, 1);
        assertThat(feasible(request)).containsExactly("paris");
    }

    @Test
    void spreadStrategyPrefersSitesWithFewerReplicas() {
        var request = siteRequest(
                aService("web"),
                counts("london", 2, "frankfurt", 1),
                4,
                aSite("london").withNodes(3),
                aSite("frankfurt").withNodes(3),
                aSite("paris").withNodes(3));
        assertThat(chosen(request)).isEqualTo(new SiteDecision.Chosen("paris", List.of("frankfurt", "london")));
    }

    @Test
    void packStrategyPrefersSitesWithMoreReplicas() {
        var request = siteRequest(
                aService("web").packed(),
                counts("london", 2, "frankfurt", 1),
                4,
                aSite("london").withNodes(3),
                aSite("frankfurt").withNodes(3),
                aSite("paris").withNodes(3));
        assertThat(chosen(request)).isEqualTo(new SiteDecision.Chosen("london", List.of("frankfurt", "paris")));
    }

    @Test
    void nearUsersPrefersTheSiteWithTheLowestRtt() {
        var request = siteRequest(
                aService("web").nearUsers("paris", PARIS_LAT, PARIS_LON),
                aSite("new-york").withNodes(3),
                aSite("frankfurt").withNodes(3),
                aSite("london").withNodes(3));
        assertThat(chosen(request)).isEqualTo(new SiteDecision.Chosen("london", List.of("frankfurt", "new-york")));
    }

    /** The placing site's own measurements, as gossip gives them: paris measured its RTT to others. */
    private static SiteRequest measuredFromParis(SiteRequest request, Map<String, Duration> rtt) {
        return new SiteRequest(
                request.service(),
                request.sites(),
                request.replicasPerSite(),
                request.replicasStillToPlace(),
                request.excludedSites(),
                LatencyModel.ESTIMATED.withMeasured(aSite("paris").info(), rtt),
                request.seed());
    }

    @Test
    void givenRttsMeasuredFromTheUsersCityWhenTheyDisagreeWithDistanceThenTheMeasurementsDecide() {
        var request = siteRequest(
                aService("web").nearUsers("paris", PARIS_LAT, PARIS_LON),
                aSite("frankfurt").withNodes(3),
                aSite("london").withNodes(3));
        assertThat(chosen(request).site()).isEqualTo("london");

        var measured =
                measuredFromParis(request, Map.of("london", Duration.ofMillis(40), "frankfurt", Duration.ofMillis(6)));

        assertThat(chosen(measured)).isEqualTo(new SiteDecision.Chosen("frankfurt", List.of("london")));
    }

    @Test
    void givenASiteTurnedDownByAMeasuredRttThenTheExplanationSaysItWasMeasured() {
        var request = measuredFromParis(
                siteRequest(
                        aService("web").nearUsers("paris", PARIS_LAT, PARIS_LON, 20),
                        aSite("frankfurt").withNodes(1),
                        aSite("london").withNodes(1)),
                Map.of("london", Duration.ofMillis(45)));

        assertThat(chosen(request).site()).isEqualTo("frankfurt");
        assertThat(why(new SiteRequest(
                        request.service(),
                        request.sites(),
                        Map.of(),
                        1,
                        Set.of("frankfurt"),
                        request.latency(),
                        request.seed())))
                .isEqualTo(
                        "0 of 2 sites fit: 1 declined this replica, 1 too far from users in paris (max 20 ms, measured)");
    }

    @Test
    void preferredTagsWinOverOtherwiseEqualSites() {
        var request = siteRequest(
                aService("web").preferringTags("green"),
                aSite("london").withNodes(2),
                aSite("frankfurt").tagged("green").withNodes(2),
                aSite("paris").withNodes(2));
        assertThat(chosen(request).site()).isEqualTo("frankfurt");
    }

    @Test
    void moreFreeCapacityWinsOverOtherwiseEqualSites() {
        var request = siteRequest(
                aService("web"),
                aSite("london").withNodes(2),
                aSite("frankfurt").withNodes(4),
                aSite("paris").withNodes(3));
        assertThat(chosen(request)).isEqualTo(new SiteDecision.Chosen("frankfurt", List.of("paris", "london")));
    }

    @Test
    void tiesAreBrokenBySeedNotByListOrder() {
        var base = siteRequest(
                aService("web"),
                aSite("london").withNodes(2),
                aSite("frankfurt").withNodes(2),
                aSite("paris").withNodes(2));
        Set<String> winners = new HashSet<>();
        for (long seed = 0; seed < 30; seed++) {
            var request =
                    new SiteRequest(base.service(), base.sites(), Map.of(), 1, Set.of(), LatencyModel.ESTIMATED, seed);
            winners.add(chosen(request).site());
            assertThat(SiteSelector.select(request)).isEqualTo(SiteSelector.select(request));
        }
        assertThat(winners).hasSize(3);
    }

    @Test
    void explainsEachRejectedSite() {
        var request = siteRequest(
                aService("web").inJurisdictions("EU", "UK").needing("1", "2Gi"),
                aSite("new-york").withNodes(3),
                aSite("london").withNode(aNode("l1").allocated("0", "7Gi")),
                aSite("frankfurt").withNode(aNode("f1").allocated("0", "7680Mi")),
                aSite("paris").withNodes(1).unhealthy());
        assertThat(why(request))
                .isEqualTo("0 of 4 sites fit: 1 outside jurisdiction EU or UK,"
                        + " 2 short of memory (need 2Gi, most free 1Gi), 1 unhealthy");
    }

    @Test
    void explainsConstraintsInUsersWords() {
        assertThat(why(siteRequest(
                        aService("web").inCountries("DE").pinnedTo("paris"),
                        aSite("paris").withNodes(1),
                        aSite("frankfurt").withNodes(1),
                        aSite("london").withNodes(1))))
                .isEqualTo("0 of 3 sites fit: 2 outside country DE, 1 not among pinned sites paris");
        assertThat(why(siteRequest(
                        aService("web")
                                .nearUsers("paris", PARIS_LAT, PARIS_LON, 20)
                                .requiringTags("gpu"),
                        aSite("new-york").withNodes(1),
                        aSite("london").withNodes(1))))
                .isEqualTo("0 of 2 sites fit: 1 too far from users in paris (max 20 ms), 1 without required tag gpu");
        assertThat(why(siteRequest(
                        aService("web").spreadAcross(Domain.SITE, 2).avoiding("paris"),
                        counts("london", 1),
                        1,
                        aSite("london").withNodes(1),
                        aSite("paris").withNodes(1))))
                .isEqualTo("0 of 2 sites fit: 1 already running a replica (spread over at least 2 sites), 1 avoided");
    }
}
