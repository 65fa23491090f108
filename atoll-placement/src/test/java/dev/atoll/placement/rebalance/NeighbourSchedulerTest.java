package dev.atoll.placement.rebalance;

import static dev.atoll.placement.rebalance.RebalanceFixtures.res;
import static dev.atoll.placement.rebalance.RebalanceFixtures.service;
import static dev.atoll.placement.rebalance.RebalanceFixtures.site;
import static dev.atoll.placement.rebalance.RebalanceFixtures.world;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.Resources;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.placement.LatencyModel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NeighbourSchedulerTest {
    static final OverloadPolicy POLICY = new OverloadPolicy(0.8, 0.9, 30_000);
    static final NeighbourScheduler SCHEDULER = new NeighbourScheduler(POLICY, LatencyModel.ESTIMATED, 32);
    static final ServiceSpec WEB = service("web").needing("1", "1Gi").build();
    static final ServiceSpec BATCH = service("batch").needing("1", "1Gi").build();

    /** The node runs four 1-cpu replicas and measures 3.8 of its 4 cpus busy: 0.6 over 80%. */
    static NodeEvent.Overload hot(CloudLayout layout, String nodeId, Loads loads) {
        Resources used = loads.onNode(layout, nodeId);
        return new NodeEvent.Overload(
                nodeId, used, Objective.limit(layout.node(nodeId), POLICY), 0, List.of("cpu 95% above 80% for 30s"));
    }

    static Resolution.Resolved resolved(Resolution r) {
        assertThat(r).isInstanceOf(Resolution.Resolved.class);
        return (Resolution.Resolved) r;
    }

    @Test
    void anOverloadIsResolvedInsideItsOwnSiteWhenANeighbourThereHasRoom() {
        var layout = world().site(site("london"), 2)
                .site(site("paris"), 1)
                .run(WEB, "london/n1", 4)
                .layout();
        Loads loads = Loads.estimate(layout, Map.of("london/n1", res("3800m", "4Gi")));

        var r = resolved(SCHEDULER.resolve(
                hot(layout, "london/n1", loads), layout, loads, PartitionRegistry.EMPTY, Set.of(), 7));

        assertThat(r.partition().nodes()).containsExactly("london/n1", "london/n2");
        assertThat(r.moves()).hasSize(1);
        assertThat(r.moves().get(0).to().site()).isEqualTo("london");
        assertThat(r.moves().get(0).to().node()).isEqualTo("n2");
        CloudLayout after = layout.applyAll(r.moves());
        assertThat(loads.onNode(after, "london/n1").fitsIn(Objective.limit(after.node("london/n1"), POLICY)))
                .isTrue();
    }

    @Test
    void aFullSiteGrowsThePartitionToTheNearestSiteFirstAndAFullNeighbourDeclines() {
        var layout = world().site(site("london"), 2)
                .site(site("new-york"), 1)
                .site(site("paris"), 1)
                .run(WEB, "london/n1", 4)
                .run(BATCH, "london/n2", 4)
                .layout();
        Loads loads = Loads.estimate(layout, Map.of("london/n1", res("3800m", "4Gi")));

        var r = resolved(SCHEDULER.resolve(
                hot(layout, "london/n1", loads), layout, loads, PartitionRegistry.EMPTY, Set.of(), 7));

        assertThat(r.partition().nodes()).containsExactly("london/n1", "paris/n1");
        assertThat(r.moves()).extracting(m -> m.to().site()).containsOnly("paris");
    }

    @Test
    void aMoveNeverLeavesTheServicesJurisdictionEvenForANearerSiteWhichDeclines() {
        ServiceSpec euOnly =
                service("ledger").needing("1", "1Gi").inJurisdictions("EU").build();
        var layout = world().site(site("paris"), 1)
                .site(site("london"), 1)
                .site(site("frankfurt"), 1)
                .run(euOnly, "paris/n1", 4)
                .layout();
        Loads loads = Loads.estimate(layout, Map.of("paris/n1", res("3800m", "4Gi")));

        var r = resolved(
                SCHEDULER.resolve(hot(layout, "paris/n1", loads), layout, loads, PartitionRegistry.EMPTY, Set.of(), 7));

        assertThat(r.partition().nodes()).containsExactly("paris/n1", "frankfurt/n1");
        assertThat(r.moves()).extracting(m -> m.to().site()).containsOnly("frankfurt");
    }

    @Test
    void aMoveKeepsAntiAffinityAcrossNodes() {
        ServiceSpec db = service("db")
                .needing("1", "1Gi")
                .antiAffinity(AntiAffinity.NODE)
                .build();
        var layout = world().site(site("london"), 3)
                .run(db, "london/n1", 1)
                .run(WEB, "london/n1", 3)
                .run(db, "london/n2", 1)
                .layout();
        Loads loads = Loads.estimate(layout, Map.of("london/n1", res("3800m", "4Gi")));

        var r = resolved(SCHEDULER.resolve(
                hot(layout, "london/n1", loads), layout, loads, PartitionRegistry.EMPTY, Set.of(), 7));

        for (Move m : r.moves())
            if (m.id().service().equals("db")) assertThat(m.to().node()).isEqualTo("n3");
        assertThat(HardConstraints.violations(layout.applyAll(r.moves()), LatencyModel.ESTIMATED))
                .isEmpty();
    }

    @Test
    void aDrainMovesEveryInstanceOffTheNode() {
        var layout = world().site(site("london"), 3)
                .run(WEB, "london/n1", 3)
                .run(BATCH, "london/n1", 2)
                .layout();
        Loads loads = Loads.fromAllocations(layout);

        var r = resolved(SCHEDULER.resolve(
                new NodeEvent.Drain("london/n1"), layout, loads, PartitionRegistry.EMPTY, Set.of(), 7));

        assertThat(r.moves()).hasSize(5);
        assertThat(layout.applyAll(r.moves()).instancesOn("london/n1")).isEmpty();
    }

    @Test
    void aPartitionGrowsAroundANodeAnotherEventHolds() {
        var layout = world().site(site("london"), 2)
                .site(site("paris"), 1)
                .run(WEB, "london/n1", 4)
                .layout();
        Loads loads = Loads.estimate(layout, Map.of("london/n1", res("3800m", "4Gi")));
        var registry =
                PartitionRegistry.EMPTY.reserve(new Partition("drain:london/n9", "london/n2", List.of("london/n2")));

        var r = resolved(SCHEDULER.resolve(hot(layout, "london/n1", loads), layout, loads, registry, Set.of(), 7));

        assertThat(r.partition().nodes()).containsExactly("london/n1", "paris/n1");
    }

    @Test
    void anEventWaitsWhenEveryNeighbourItNeedsIsHeld() {
        var layout = world().site(site("london"), 2).run(WEB, "london/n1", 4).layout();
        Loads loads = Loads.estimate(layout, Map.of("london/n1", res("3800m", "4Gi")));
        var registry =
                PartitionRegistry.EMPTY.reserve(new Partition("drain:london/n2", "london/n2", List.of("london/n2")));

        var r = SCHEDULER.resolve(hot(layout, "london/n1", loads), layout, loads, registry, Set.of(), 7);

        assertThat(r).isInstanceOf(Resolution.Waiting.class);
        assertThat(((Resolution.Waiting) r).blockedBy()).containsExactly("drain:london/n2");
    }

    @Test
    void anOverloadWithNoRoomAnywhereItMayGoIsUnresolvableAndSaysWhy() {
        ServiceSpec ukOnly =
                service("gov").needing("1", "1Gi").inJurisdictions("UK").build();
        var layout = world().site(site("london"), 1)
                .site(site("paris"), 2)
                .run(ukOnly, "london/n1", 4)
                .layout();
        Loads loads = Loads.estimate(layout, Map.of("london/n1", res("3800m", "4Gi")));

        var r = SCHEDULER.resolve(hot(layout, "london/n1", loads), layout, loads, PartitionRegistry.EMPTY, Set.of(), 7);

        assertThat(r).isInstanceOf(Resolution.Unresolvable.class);
        assertThat(((Resolution.Unresolvable) r).moves()).isEmpty();
        assertThat(((Resolution.Unresolvable) r).why())
                .isEqualTo("no neighbour can take any of its instances: 0 without room under their limits, 2 where"
                        + " none of them may run (driver, tags, jurisdiction, latency)");
    }

    @Test
    void twoEventsInDifferentPartsOfTheCloudAreResolvedInTheSameRoundWithoutOverlap() {
        var layout = world().site(site("london"), 2)
                .site(site("new-york"), 2)
                .run(WEB, "london/n1", 4)
                .run(BATCH, "new-york/n1", 4)
                .layout();
        Loads loads =
                Loads.estimate(layout, Map.of("london/n1", res("3800m", "4Gi"), "new-york/n1", res("3900m", "4Gi")));

        var round = SCHEDULER.resolveAll(
                List.of(hot(layout, "london/n1", loads), hot(layout, "new-york/n1", loads)),
                layout,
                loads,
                PartitionRegistry.EMPTY,
                7);

        assertThat(round.resolutions()).allMatch(r -> r instanceof Resolution.Resolved);
        var first = ((Resolution.Resolved) round.resolutions().get(0)).partition();
        var second = ((Resolution.Resolved) round.resolutions().get(1)).partition();
        assertThat(first.nodes()).doesNotContainAnyElementsOf(second.nodes());
        assertThat(round.registry().ownerOf("london/n2")).contains("overload:london/n1");
        assertThat(round.registry().ownerOf("new-york/n2")).contains("overload:new-york/n1");
    }

    @Test
    void theSameInputAndSeedGiveTheSameDecision() {
        var layout = world().site(site("london"), 4).run(WEB, "london/n1", 4).layout();
        Loads loads = Loads.estimate(layout, Map.of("london/n1", res("3800m", "4Gi")));
        var event = hot(layout, "london/n1", loads);

        assertThat(SCHEDULER.resolve(event, layout, loads, PartitionRegistry.EMPTY, Set.of(), 11))
                .isEqualTo(SCHEDULER.resolve(event, layout, loads, PartitionRegistry.EMPTY, Set.of(), 11));
    }
}
