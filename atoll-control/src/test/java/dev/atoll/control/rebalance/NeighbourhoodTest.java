package dev.atoll.control.rebalance;

import static dev.atoll.control.Fixtures.aNode;
import static dev.atoll.control.Fixtures.aService;
import static dev.atoll.control.Fixtures.aSite;
import static org.assertj.core.api.Assertions.assertThat;

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
        state.instances()
                .put(
                        id.key(),
                        new SiteState.PlacedInstance(
                                id,
                                1,
                                aService("web", 1),
                                "n1",
                                "paris",
                                Instant.EPOCH,
                                InstanceState.RUNNING,
                                Map.of(),
                                Optional.empty(),
                                Optional.empty(),
                                0,
                                "",
                                List.of()));
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
}
