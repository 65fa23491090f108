package dev.atoll.placement;

import static dev.atoll.placement.Fixtures.aCloud;
import static dev.atoll.placement.Fixtures.aNode;
import static dev.atoll.placement.Fixtures.aService;
import static dev.atoll.placement.Fixtures.aSite;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlacerTest {

    private static Map<String, Long> perSite(PlacementResult result) {
        return result.assignments().stream().collect(Collectors.groupingBy(Assignment::site, Collectors.counting()));
    }

    private static Map<Assignment, Long> perNode(PlacementResult result) {
        return result.assignments().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void spreadsSixReplicasOverThreeSites() {
        var cloud = aCloud(
                aSite("london").withNodes(3),
                aSite("frankfurt").withNodes(3),
                aSite("new-york").withNodes(3));
        var result = new Placer(cloud, LatencyModel.ESTIMATED)
                .place(aService("hello").build(), 6, 1);
        assertThat(result).isInstanceOf(PlacementResult.Placed.class);
        assertThat(perSite(result))
                .containsOnly(Map.entry("london", 2L), Map.entry("frankfurt", 2L), Map.entry("new-york", 2L));
        assertThat(perNode(result).values()).containsOnly(1L);
    }

    @Test
    void allocatesWhatItPlaces() {
        var cloud = aCloud(aSite("london").withNodes(1));
        var service = aService("web").needing("1", "1Gi").build();
        new Placer(cloud, LatencyModel.ESTIMATED).place(service, 3, 1);
        NodeState node = cloud.node("london", "london-1");
        assertThat(node.allocated()).isEqualTo(Fixtures.res("3", "3Gi"));
        assertThat(node.instances()).isEqualTo(3);
        assertThat(cloud.summaries().get(0).nodes().get(0).freeSlots()).isEqualTo(13);
    }

    @Test
    void keepsToTheJurisdictionAndSpreadsWithinIt() {
        var cloud = aCloud(
                aSite("london").withNodes(2),
                aSite("frankfurt").withNodes(2),
                aSite("paris").withNodes(2));
        var service = aService("web")
                .inJurisdictions("EU")
                .spreadAcross(Domain.SITE, 2)
                .build();
        var result = new Placer(cloud, LatencyModel.ESTIMATED).place(service, 4, 1);
        assertThat(perSite(result)).containsOnly(Map.entry("frankfurt", 2L), Map.entry("paris", 2L));
    }

    @Test
    void packingFillsOneNodeBeforeTheNext() {
        var cloud = aCloud(aSite("london").withNodes(3));
        var service = aService("web").packed().needing("1", "1Gi").build();
        var result = new Placer(cloud, LatencyModel.ESTIMATED).place(service, 4, 1);
        assertThat(perNode(result).values()).containsExactlyInAnyOrder(4L);
    }

    @Test
    void reportsTheFirstReplicaThatFitsNowhereAndKeepsTheOthers() {
        var cloud = aCloud(aSite("london").withNode(aNode("a").capacity("2", "4Gi")));
        var service = aService("web").needing("1", "1Gi").build();
        var result = new Placer(cloud, LatencyModel.ESTIMATED).place(service, 3, 1);
        assertThat(result).isInstanceOf(PlacementResult.Unplaceable.class);
        assertThat(result.assignments()).hasSize(2);
        assertThat(((PlacementResult.Unplaceable) result).why().toString())
                .isEqualTo("0 of 1 sites fit: 1 short of cpu (need 1, most free 0)");
    }

    @Test
    void offersTheNextSiteWhenTheChosenOneDeclines() {
        // Packing makes London, which already runs a replica, look best from its summary; but
        // its only ready node runs that replica, which only London's exact state shows.
        var cloud = aCloud(
                aSite("london").withNode(aNode("l1")).withNode(aNode("l2").notReady()),
                aSite("paris").withNode(aNode("p1")));
        var service = aService("web").packed().antiAffinity(AntiAffinity.NODE).build();
        var firstChoice = SiteSelector.select(new SiteRequest(
                service, cloud.summaries(), Map.of("london", 1), 1, java.util.Set.of(), LatencyModel.ESTIMATED, 1));
        assertThat(firstChoice).isEqualTo(new SiteDecision.Chosen("london", List.of("paris")));
        var placer = new Placer(cloud, LatencyModel.ESTIMATED);
        var result = placer.place(service, 1, List.of(new Assignment("london", "l1")), 1);
        assertThat(result).isEqualTo(new PlacementResult.Placed(List.of(new Assignment("paris", "p1"))));
    }

    @Test
    void explainsWhenEverySiteDeclines() {
        var cloud = aCloud(
                aSite("london").withNode(aNode("l1")).withNode(aNode("l2").notReady()),
                aSite("new-york").withNodes(1));
        var service = aService("web")
                .antiAffinity(AntiAffinity.NODE)
                .inJurisdictions("UK")
                .build();
        var result =
                new Placer(cloud, LatencyModel.ESTIMATED).place(service, 1, List.of(new Assignment("london", "l1")), 1);
        assertThat(((PlacementResult.Unplaceable) result).why().toString())
                .isEqualTo(
                        "0 of 2 sites fit: 1 outside jurisdiction UK, 1 already running a replica (anti-affinity node)");
    }

    @Test
    void sameSeedSamePlacement() {
        var service = aService("web").build();
        var first = new Placer(
                        aCloud(aSite("london").withNodes(4), aSite("paris").withNodes(4)), LatencyModel.ESTIMATED)
                .place(service, 20, 7);
        var second = new Placer(
                        aCloud(aSite("london").withNodes(4), aSite("paris").withNodes(4)), LatencyModel.ESTIMATED)
                .place(service, 20, 7);
        assertThat(first).isEqualTo(second);
    }
}
