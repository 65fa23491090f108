package dev.atoll.control.rebalance;

import static dev.atoll.control.Fixtures.aNode;
import static dev.atoll.control.Fixtures.aService;
import static dev.atoll.control.Fixtures.aServiceSpreadOverSites;
import static dev.atoll.control.Fixtures.aSite;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.SiteState;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.NodeCapacity;
import dev.atoll.placement.SiteSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The layout a site rebalances in: its exact state, then the nearest live sites as gossip shows them. */
class NeighbourhoodTest {
    private static SiteSummary summary(String site, boolean healthy, long freeCpu, boolean ready) {
        return new SiteSummary(
                aSite(site),
                healthy,
                List.of(new NodeCapacity(
                        "n1", new Resources(freeCpu, 4L << 30), 10, Set.of("process"), Set.of(), ready)));
    }

    private static SiteState london() {
        SiteState state = SiteState.empty();
        state.nodes().put("n1", aNode("london", "n1", 4000, 8L << 30));
        state.nodes().put("n2", aNode("london", "n2", 4000, 8L << 30));
        var id = new InstanceId("acme", "shop", "web", 0);
        state.instances().put(id.key(), replica(id, aService("web", 1), "n1", "paris"));
        return state;
    }

    @Test
    void ownNodesAndReplicasAreExactAndRemoteNodesOfferWhatIsFree() {
        var layout = Neighbourhood.of(
                aSite("london"),
                london(),
                Set.of("n2"),
                List.of(summary("london", true, 0, true), summary("paris", true, 1500, true)),
                Map.of("paris", 8_000L),
                Set.of(),
                3);

        assertThat(layout.sites()).extracting(s -> s.name()).containsExactly("london", "paris");
        assertThat(layout.nodes()).extracting(n -> n.id()).containsExactly("london/n1", "london/n2", "paris/n1");
        assertThat(layout.node("paris/n1").capacity()).isEqualTo(new Resources(1500, 4L << 30));
        assertThat(layout.instances()).singleElement().satisfies(i -> assertThat(i.at())
                .isEqualTo(new Assignment("london", "n1")));
        assertThat(layout.instancesOn("paris/n1")).isEmpty();
        assertThat(layout.closedNodes()).containsExactly("london/n2");
    }

    @Test
    void onlyTheNearestLiveSitesJoinAndTheirClosedNodesStayClosed() {
        var layout = Neighbourhood.of(
                aSite("london"),
                london(),
                Set.of(),
                List.of(
                        summary("paris", true, 1000, false),
                        summary("frankfurt", true, 1000, true),
                        summary("madrid", true, 1000, true),
                        summary("dead", true, 1000, true),
                        summary("sick", false, 1000, true)),
                Map.of("paris", 8_000L, "frankfurt", 15_000L, "madrid", 30_000L, "dead", 1_000L, "sick", 1_000L),
                Set.of("dead"),
                2);

        assertThat(layout.sites()).extracting(s -> s.name()).containsExactly("london", "paris", "frankfurt");
        assertThat(layout.closedNodes()).containsExactly("paris/n1");
    }

    private static SiteState.PlacedInstance replica(
            InstanceId id, dev.atoll.model.spec.ServiceSpec service, String node, String home) {
        return new SiteState.PlacedInstance(
                id,
                1,
                service,
                node,
                home,
                Instant.EPOCH,
                InstanceState.RUNNING,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                0,
                "",
                List.of());
    }

    private static ReplicaStatus status(InstanceId id, String node, boolean nodeDown) {
        return new ReplicaStatus(id, 1, node, InstanceState.RUNNING, nodeDown);
    }

    /** 3 replicas of a service spread over 3 sites: {@code here} of them on london's nodes. */
    private static SiteState londonRunning(int here) {
        SiteState state = SiteState.empty();
        state.nodes().put("n1", aNode("london", "n1", 4000, 8L << 30));
        state.nodes().put("n2", aNode("london", "n2", 4000, 8L << 30));
        var spread = aServiceSpreadOverSites("web", 3, 3);
        for (int k = 0; k < here; k++) {
            var id = new InstanceId("acme", "shop", "web", k);
            state.instances().put(id.key(), replica(id, spread, "n" + (k + 1), "london"));
        }
        return state;
    }

    private static final dev.atoll.placement.LatencyModel LATENCY = dev.atoll.placement.LatencyModel.ESTIMATED;

    @Test
    void replicasAtOtherSitesArePinnedBesideTheOnesHereWithTheirServicesSpec() {
        // Given london runs web.0 and paris and madrid run web.1 and web.2
        SiteState state = londonRunning(1);
        var seen = Map.of(
                "paris", Map.of("k1", status(new InstanceId("acme", "shop", "web", 1), "n1", false)),
                "madrid", Map.of("k2", status(new InstanceId("acme", "shop", "web", 2), "n3", false)));

        // When london's layout takes them in
        var pinned = Neighbourhood.replicasElsewhere(aSite("london"), state, seen, Set.of());
        var layout = Neighbourhood.of(aSite("london"), state, Set.of(), List.of(), Map.of(), Set.of(), 0)
                .withPinned(pinned);

        // Then they are pinned where they run, with the spec of web here, and nothing is wrong
        assertThat(pinned)
                .extracting(p -> p.id().index() + "@" + p.nodeId())
                .containsExactly("1@paris/n1", "2@madrid/n3");
        assertThat(pinned).allSatisfy(p -> assertThat(p.service())
                .isEqualTo(state.instances().values().iterator().next().service()));
        assertThat(layout.instances()).hasSize(1);
        assertThat(dev.atoll.placement.rebalance.HardConstraints.violations(layout, LATENCY))
                .isEmpty();
    }

    @Test
    void aSpreadBrokenBetweenThisSiteAndAnotherIsStillCounted() {
        // Given london runs web.0 and web.1, and paris web.2: 2 sites where 3 are asked for
        SiteState state = londonRunning(2);
        var seen = Map.of("paris", Map.of("k2", status(new InstanceId("acme", "shop", "web", 2), "n1", false)));

        var layout = Neighbourhood.of(aSite("london"), state, Set.of(), List.of(), Map.of(), Set.of(), 0)
                .withPinned(Neighbourhood.replicasElsewhere(aSite("london"), state, seen, Set.of()));

        // Then both replicas here break it
        assertThat(dev.atoll.placement.rebalance.HardConstraints.violations(layout, LATENCY))
                .hasSize(2)
                .allSatisfy(v -> assertThat(v).contains("spread over at least 3 sites"));
    }

    @Test
    void replicasOfOtherServicesOfDeadSitesOnDownNodesOrAlsoHereAreLeftOut() {
        SiteState state = londonRunning(1);
        var seen = Map.of(
                "paris",
                Map.of(
                        "other", status(new InstanceId("acme", "shop", "db", 0), "n1", false),
                        "down", status(new InstanceId("acme", "shop", "web", 1), "n2", true),
                        "moving", status(new InstanceId("acme", "shop", "web", 0), "n1", false)),
                "madrid",
                Map.of("dead", status(new InstanceId("acme", "shop", "web", 2), "n1", false)),
                "london",
                Map.of("self", status(new InstanceId("acme", "shop", "web", 3), "n2", false)));

        assertThat(Neighbourhood.replicasElsewhere(aSite("london"), state, seen, Set.of("madrid")))
                .isEmpty();
    }
}
