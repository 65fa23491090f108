package dev.atoll.placement;

import static dev.atoll.placement.Fixtures.aNode;
import static dev.atoll.placement.Fixtures.aService;
import static dev.atoll.placement.Fixtures.aSite;
import static dev.atoll.placement.Fixtures.counts;
import static dev.atoll.placement.Fixtures.nodeRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeSelectorTest {

    private static NodeDecision select(NodeRequest request) {
        return NodeSelector.select(request);
    }

    private static String chosen(NodeDecision decision) {
        assertThat(decision).isInstanceOf(NodeDecision.Chosen.class);
        return ((NodeDecision.Chosen) decision).node();
    }

    private static String why(NodeDecision decision) {
        assertThat(decision).isInstanceOf(NodeDecision.NoFit.class);
        return ((NodeDecision.NoFit) decision).why().toString();
    }

    @Test
    void skipsNodesThatAreNotReady() {
        var site = aSite("london").withNode(aNode("a").notReady()).withNode(aNode("b"));
        assertThat(chosen(select(nodeRequest(aService("web"), site)))).isEqualTo("b");
    }

    @Test
    void skipsNodesWithoutTheServicesDriver() {
        var site = aSite("london").withNode(aNode("a")).withNode(aNode("b").drivers("process", "oci"));
        var service = aService("web").driver(DriverKind.OCI);
        assertThat(chosen(select(nodeRequest(service, site)))).isEqualTo("b");
    }

    @Test
    void skipsNodesWithoutAFreeSlot() {
        var site = aSite("london").withNode(aNode("a").slots(2).instances(2)).withNode(aNode("b"));
        assertThat(chosen(select(nodeRequest(aService("web"), site)))).isEqualTo("b");
    }

    @Test
    void skipsNodesShortOfCpu() {
        var site = aSite("london")
                .withNode(aNode("a").allocated("3800m", "0"))
                .withNode(aNode("b").allocated("3", "0"));
        assertThat(chosen(select(nodeRequest(aService("web").needing("500m", "1Gi"), site))))
                .isEqualTo("b");
    }

    @Test
    void skipsNodesShortOfMemory() {
        var site = aSite("london")
                .withNode(aNode("a").allocated("0", "7Gi"))
                .withNode(aNode("b").allocated("3", "0"));
        assertThat(chosen(select(nodeRequest(aService("web").needing("500m", "2Gi"), site))))
                .isEqualTo("b");
    }

    @Test
    void requiredTagsMayComeFromTheNodeOrItsSite() {
        var site = aSite("london")
                .tagged("ssd")
                .withNode(aNode("a"))
                .withNode(aNode("b").tagged("gpu"));
        var service = aService("web").requiringTags("gpu", "ssd");
        assertThat(chosen(select(nodeRequest(service, site)))).isEqualTo("b");
    }

    @Test
    void antiAffinityKeepsReplicasOffNodesThatAlreadyRunOne() {
        var site = aSite("london").withNode(aNode("a")).withNode(aNode("b").allocated("3", "6Gi"));
        var service = aService("web").antiAffinity(AntiAffinity.NODE);
        assertThat(chosen(select(nodeRequest(service, site, counts("a", 1), 1))))
                .isEqualTo("b");
    }

    @Test
    void spreadOverNodesOpensANewNodeWhenTheRemainingReplicasAreJustEnough() {
        // Packing prefers the busier node a, but 2 more replicas must reach 3 distinct nodes.
        var site = aSite("london")
                .withNode(aNode("a").allocated("2", "4Gi"))
                .withNode(aNode("b"))
                .withNode(aNode("c"));
        var service = aService("web").packed().spreadAcross(Domain.NODE, 3);
        assertThat(chosen(select(nodeRequest(service, site, counts("a", 1), 2))))
                .isNotEqualTo("a");
    }

    @Test
    void spreadOverNodesAllowsSharingWhileThereAreReplicasToSpare() {
        var site = aSite("london")
                .withNode(aNode("a").allocated("2", "4Gi"))
                .withNode(aNode("b"))
                .withNode(aNode("c"));
        var service = aService("web").packed().spreadAcross(Domain.NODE, 3);
        assertThat(chosen(select(nodeRequest(service, site, counts("a", 1), 3))))
                .isEqualTo("a");
    }

    @Test
    void spreadOverNodesCountsNodesUsedInOtherSites() {
        var site = aSite("london").withNode(aNode("a").allocated("2", "4Gi")).withNode(aNode("b"));
        var service = aService("web").packed().spreadAcross(Domain.NODE, 2);
        var request = new NodeRequest(service.build(), site.info(), site.nodeStates(), counts("a", 1), 1, 1, 7);
        assertThat(chosen(select(request))).isEqualTo("a");
    }

    @Test
    void spreadStrategyPicksTheLeastAllocatedNode() {
        var site = aSite("london")
                .withNode(aNode("a").allocated("2", "4Gi"))
                .withNode(aNode("b").allocated("1", "1Gi"))
                .withNode(aNode("c").allocated("3", "1Gi"));
        assertThat(chosen(select(nodeRequest(aService("web"), site)))).isEqualTo("b");
    }

    @Test
    void packStrategyPicksTheMostAllocatedNodeThatFits() {
        var site = aSite("london")
                .withNode(aNode("a").allocated("2", "4Gi"))
                .withNode(aNode("b").allocated("1", "1Gi"))
                .withNode(aNode("c").allocated("3900m", "7Gi"));
        assertThat(chosen(select(nodeRequest(aService("web").packed().needing("500m", "256Mi"), site))))
                .isEqualTo("a");
    }

    @Test
    void spreadStrategyPrefersNodesWithFewerReplicasOfTheService() {
        var site = aSite("london").withNode(aNode("a")).withNode(aNode("b"));
        assertThat(chosen(select(nodeRequest(aService("web"), site, counts("a", 2), 1))))
                .isEqualTo("b");
    }

    @Test
    void preferredTagsWinOverOtherwiseEqualNodes() {
        var site = aSite("london")
                .withNode(aNode("a"))
                .withNode(aNode("b").tagged("fast"))
                .withNode(aNode("c"));
        assertThat(chosen(select(nodeRequest(aService("web").preferringTags("fast"), site))))
                .isEqualTo("b");
    }

    @Test
    void sameSeedSameNode() {
        var site = aSite("london").withNodes(5);
        var service = aService("web").build();
        var a = new NodeRequest(service, site.info(), site.nodeStates(), Map.of(), 1, 99);
        var b = new NodeRequest(service, site.info(), site.nodeStates(), Map.of(), 1, 99);
        assertThat(select(a)).isEqualTo(select(b));
    }

    @Test
    void tiesAreBrokenBySeedNotByListOrder() {
        var site = aSite("london").withNodes(5);
        var service = aService("web").build();
        Set<String> winners = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            winners.add(chosen(select(new NodeRequest(service, site.info(), site.nodeStates(), Map.of(), 1, seed))));
        }
        assertThat(winners).hasSizeGreaterThan(2);
    }

    @Test
    void explainsMemoryShortageWithTheNeedAndTheMostFree() {
        var site = aSite("london")
                .withNode(aNode("a").allocated("0", "7Gi"))
                .withNode(aNode("b").allocated("0", "7680Mi"))
                .withNode(aNode("c").allocated("0", "8Gi"));
        assertThat(why(select(nodeRequest(aService("web").needing("1", "2Gi"), site))))
                .isEqualTo("0 of 3 nodes fit: 3 short of memory (need 2Gi, most free 1Gi)");
    }

    @Test
    void aServiceOnTenantNetworksGoesOnlyToANodeThatRunsThemAndSaysWhyNot() {
        var service = aService("web").onNetworks("backend");
        var withNetworks =
                aSite("london").withNode(aNode("a")).withNode(aNode("b").withTenantNetworks());
        var without = aSite("london").withNode(aNode("a")).withNode(aNode("c"));

        assertThat(select(nodeRequest(service, withNetworks))).isEqualTo(new NodeDecision.Chosen("b"));
        assertThat(why(select(nodeRequest(service, without)))).isEqualTo("0 of 2 nodes fit: 2 without tenant networks");
        assertThat(select(nodeRequest(aService("web"), without))).isInstanceOf(NodeDecision.Chosen.class);
    }

    @Test
    void explainsEveryReasonInTheOrderFirstMet() {
        var site = aSite("london")
                .withNode(aNode("a").notReady())
                .withNode(aNode("b").allocated("3800m", "0"))
                .withNode(aNode("c").notReady())
                .withNode(aNode("d").drivers("oci"))
                .withNode(aNode("e").slots(1).instances(1))
                .withNode(aNode("f"))
                .withNode(aNode("g"));
        var service = aService("web").needing("500m", "256Mi").requiringTags("gpu");
        assertThat(why(select(nodeRequest(service, site))))
                .isEqualTo("0 of 7 nodes fit: 2 not ready, 1 short of cpu (need 500m, most free 200m),"
                        + " 1 without driver process, 1 out of instance slots, 2 without required tag gpu");
    }

    @Test
    void explainsAntiAffinityAndSpread() {
        var site = aSite("london").withNode(aNode("a")).withNode(aNode("b"));
        assertThat(why(select(
                        nodeRequest(aService("web").antiAffinity(AntiAffinity.NODE), site, counts("a", 1, "b", 1), 1))))
                .isEqualTo("0 of 2 nodes fit: 2 already running a replica (anti-affinity node)");
        assertThat(why(select(
                        nodeRequest(aService("web").spreadAcross(Domain.NODE, 4), site, counts("a", 1, "b", 1), 2))))
                .isEqualTo("0 of 2 nodes fit: 2 already running a replica (spread over at least 4 nodes)");
    }
}
