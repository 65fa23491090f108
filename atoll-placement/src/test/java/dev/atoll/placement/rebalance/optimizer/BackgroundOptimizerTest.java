package dev.atoll.placement.rebalance.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Quantities;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.rebalance.CloudLayout;
import dev.atoll.placement.rebalance.HardConstraints;
import dev.atoll.placement.rebalance.Loads;
import dev.atoll.placement.rebalance.ObjectiveWeights;
import dev.atoll.placement.rebalance.OverloadPolicy;
import dev.atoll.placement.rebalance.PlacedInstance;
import dev.atoll.placement.rebalance.Plan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackgroundOptimizerTest {
    static final SiteInfo LONDON = new SiteInfo("london", new GeoPoint(51.5074, -0.1278), "GB", "UK", Set.of());
    static final SiteInfo PARIS = new SiteInfo("paris", new GeoPoint(48.8566, 2.3522), "FR", "EU", Set.of());
    static final SiteInfo NEW_YORK = new SiteInfo("new-york", new GeoPoint(40.7128, -74.0060), "US", "US", Set.of());
    static final UserRegion PARISIANS = new UserRegion("paris", new GeoPoint(48.8566, 2.3522), Optional.empty());
    static final int MOVES = 20_000;

    static Resources res(String cpu, String memory) {
        return new Resources(
                Quantities.parseCpuMillis(cpu).orElseThrow(),
                Quantities.parseMemoryBytes(memory).orElseThrow());
    }

    static ServiceSpec service(
            String name,
            String cpu,
            Set<String> jurisdictions,
            List<UserRegion> users,
            PlacementIntent.Strategy strategy) {
        return service(name, cpu, jurisdictions, users, strategy, 2, Optional.empty());
    }

    static ServiceSpec service(
            String name,
            String cpu,
            Set<String> jurisdictions,
            List<UserRegion> users,
            PlacementIntent.Strategy strategy,
            int replicas,
            Optional<PlacementIntent.Spread> spread) {
        return new ServiceSpec(
                name,
                DriverKind.PROCESS,
                List.of("sleep", "infinity"),
                Map.of(),
                res(cpu, "512Mi"),
                List.of(),
                Optional.empty(),
                replicas,
                RestartPolicy.ALWAYS,
                new PlacementIntent(
                        jurisdictions,
                        Set.of(),
                        Set.of(),
                        Set.of(),
                        Set.of(),
                        Set.of(),
                        users,
                        spread,
                        PlacementIntent.AntiAffinity.NONE,
                        strategy));
    }

    static final class Cloud {
        final List<SiteInfo> sites = new ArrayList<>();
        final List<NodeInfo> nodes = new ArrayList<>();
        final List<PlacedInstance> instances = new ArrayList<>();

        Cloud site(SiteInfo site, int n) {
            sites.add(site);
            for (int i = 1; i <= n; i++)
                nodes.add(new NodeInfo(site.name(), "n" + i, res("4", "8Gi"), 16, Set.of("process"), Set.of()));
            return this;
        }

        Cloud run(ServiceSpec service, int index, String site, String node) {
            instances.add(new PlacedInstance(
                    new InstanceId("acme", "shop", service.name(), index), service, new Assignment(site, node)));
            return this;
        }

        final List<PlacedInstance> pinned = new ArrayList<>();

        /** A replica elsewhere, on a node the layout need not hold: counted, never moved. */
        Cloud elsewhere(ServiceSpec service, int index, String site, String node) {
            pinned.add(new PlacedInstance(
                    new InstanceId("acme", "shop", service.name(), index), service, new Assignment(site, node)));
            return this;
        }

        CloudLayout layout() {
            return new CloudLayout(sites, nodes, Set.of(), instances, pinned);
        }
    }

    static BackgroundOptimizer.Request request(
            CloudLayout layout, Set<String> scope, Loads loads, ObjectiveWeights w, long seed) {
        return new BackgroundOptimizer.Request(
                layout,
                scope,
                loads,
                new OverloadPolicy(0.8, 0.9, 30_000),
                LatencyModel.ESTIMATED,
                w,
                seed,
                MOVES,
                Duration.ofSeconds(60));
    }

    static Set<String> all(CloudLayout layout) {
        Set<String> s = new java.util.HashSet<>();
        for (SiteInfo site : layout.sites()) s.add(site.name());
        return s;
    }

    static Plan propose(CloudLayout layout, ObjectiveWeights w) {
        return BackgroundOptimizer.propose(request(layout, all(layout), Loads.fromAllocations(layout), w, 1));
    }

    @Test
    void replicasFarFromTheirUsersMoveToTheSiteNearThemWhenLatencyWeighsMost() {
        var shop = service("shop", "500m", Set.of(), List.of(PARISIANS), PlacementIntent.Strategy.SPREAD);
        var layout = new Cloud()
                .site(NEW_YORK, 2)
                .site(PARIS, 2)
                .run(shop, 0, "new-york", "n1")
                .run(shop, 1, "new-york", "n2")
                .layout();

        // With the default weights a node in use costs as much as 100 ms of one replica's latency,
        // so the search would rather share a node in New York first and stay there.
        Plan plan = propose(layout, new ObjectiveWeights(5, 20, 1, 20));

        CloudLayout after = layout.applyAll(plan.moves());
        assertThat(after.instances()).allMatch(i -> i.at().site().equals("paris"));
        assertThat(plan.after().latency()).isLessThan(plan.before().latency());
        assertThat(plan.after().moves()).isEqualTo(2);
    }

    @Test
    void aReplicaNeverLeavesItsJurisdictionToBeNearerItsUsers() {
        var gov = service("gov", "500m", Set.of("UK"), List.of(PARISIANS), PlacementIntent.Strategy.SPREAD);
        var layout = new Cloud()
                .site(LONDON, 1)
                .site(PARIS, 2)
                .run(gov, 0, "london", "n1")
                .layout();

        Plan plan = propose(layout, ObjectiveWeights.DEFAULT);

        assertThat(plan.moves()).isEmpty();
        assertThat(plan.after()).isEqualTo(plan.before());
    }

    @Test
    void packedServicesAreConsolidatedToFreeWholeNodes() {
        var batch = service("batch", "500m", Set.of(), List.of(), PlacementIntent.Strategy.PACK);
        var layout = new Cloud()
                .site(LONDON, 3)
                .run(batch, 0, "london", "n1")
                .run(batch, 1, "london", "n2")
                .layout();

        Plan plan = propose(layout, ObjectiveWeights.DEFAULT);

        CloudLayout after = layout.applyAll(plan.moves());
        assertThat(plan.moves()).hasSize(1);
        assertThat(after.instances().stream().map(PlacedInstance::nodeId).distinct())
                .hasSize(1);
        assertThat(plan.after().energy()).isLessThan(plan.before().energy());
    }

    @Test
    void workMovesToASiteOnGreenPowerWhenEnergyWeighsEnough() {
        SiteInfo greenParis = new SiteInfo("paris", PARIS.location(), "FR", "EU", Set.of("green"));
        SiteInfo frankfurt =
                new SiteInfo("frankfurt", new GeoPoint(50.1109, 8.6821), "DE", "EU", Set.of("energy-price=150"));
        var compute = service("compute", "2", Set.of(), List.of(), PlacementIntent.Strategy.PACK);
        var layout = new Cloud()
                .site(frankfurt, 1)
                .site(greenParis, 1)
                .run(compute, 0, "frankfurt", "n1")
                .layout();

        Plan plan = propose(layout, new ObjectiveWeights(1, 20, 10, 20));

        assertThat(plan.moves()).singleElement().satisfies(m -> assertThat(m.to().site())
                .isEqualTo("paris"));
    }

    @Test
    void anOverloadedNodeIsRelievedFirst() {
        var web = service("web", "1", Set.of(), List.of(), PlacementIntent.Strategy.PACK);
        var layout = new Cloud()
                .site(LONDON, 2)
                .run(web, 0, "london", "n1")
                .run(web, 1, "london", "n1")
                .run(web, 2, "london", "n1")
                .layout();
        Loads loads = Loads.estimate(layout, Map.of("london/n1", res("3900m", "2Gi")));

        Plan plan = BackgroundOptimizer.propose(request(layout, all(layout), loads, ObjectiveWeights.DEFAULT, 1));

        assertThat(plan.before().overload()).isPositive();
        assertThat(plan.after().overload()).isZero();
        assertThat(plan.moves()).isNotEmpty();
    }

    @Test
    void everyInstanceLeavesADrainingNode() {
        var batch = service("batch", "500m", Set.of(), List.of(), PlacementIntent.Strategy.PACK);
        var layout = new Cloud()
                .site(LONDON, 3)
                .run(batch, 0, "london", "n1")
                .run(batch, 1, "london", "n1")
                .run(batch, 2, "london", "n2")
                .layout()
                .closing(Set.of("london/n1"));

        Plan plan = propose(layout, ObjectiveWeights.DEFAULT);

        assertThat(plan.before().draining()).isEqualTo(2);
        assertThat(plan.after().draining()).isZero();
        assertThat(layout.applyAll(plan.moves()).instancesOn("london/n1")).isEmpty();
    }

    @Test
    void onlyInstancesOfTheSitesInScopeMove() {
        SiteInfo boston = new SiteInfo("boston", new GeoPoint(42.3601, -71.0589), "US", "US", Set.of());
        var shop = service("shop", "500m", Set.of(), List.of(PARISIANS), PlacementIntent.Strategy.SPREAD);
        var layout = new Cloud()
                .site(NEW_YORK, 1)
                .site(boston, 1)
                .site(PARIS, 1)
                .run(shop, 0, "new-york", "n1")
                .run(shop, 1, "boston", "n1")
                .layout();

        Plan plan = BackgroundOptimizer.propose(
                request(layout, Set.of("boston", "paris"), Loads.fromAllocations(layout), ObjectiveWeights.DEFAULT, 1));

        assertThat(plan.moves()).extracting(m -> m.id().index()).containsExactly(1);
        assertThat(plan.moves().get(0).to().site()).isEqualTo("paris");
    }

    @Test
    void aPlaceThatCannotBeImprovedGivesAnEmptyPlan() {
        var shop = service("shop", "500m", Set.of(), List.of(PARISIANS), PlacementIntent.Strategy.PACK);
        var layout = new Cloud().site(PARIS, 2).run(shop, 0, "paris", "n1").layout();

        Plan plan = propose(layout, ObjectiveWeights.DEFAULT);

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void theSameRequestAndSeedGiveTheSamePlan() {
        var shop = service("shop", "500m", Set.of(), List.of(PARISIANS), PlacementIntent.Strategy.SPREAD);
        var batch = service("batch", "1", Set.of(), List.of(), PlacementIntent.Strategy.PACK);
        var layout = new Cloud()
                .site(NEW_YORK, 2)
                .site(LONDON, 2)
                .site(PARIS, 2)
                .run(shop, 0, "new-york", "n1")
                .run(shop, 1, "new-york", "n2")
                .run(batch, 0, "london", "n1")
                .run(batch, 1, "london", "n2")
                .run(batch, 2, "paris", "n2")
                .layout();
        var request = request(layout, all(layout), Loads.fromAllocations(layout), ObjectiveWeights.DEFAULT, 42);

        Plan first = BackgroundOptimizer.propose(request);
        Plan second = BackgroundOptimizer.propose(request);

        assertThat(second).isEqualTo(first);
        assertThat(HardConstraints.violations(layout.applyAll(first.moves()), LatencyModel.ESTIMATED))
                .isEmpty();
    }

    @Test
    void aSitesPlanCountsItsReplicasElsewhereAndMovesOnlyItsOwn() {
        // Given a packed service spread over 3 sites: 2 replicas on london's two nodes, one each
        // at paris and madrid, which london's plan sees only as pinned replicas
        var web = service(
                "web",
                "500m",
                Set.of(),
                List.of(),
                PlacementIntent.Strategy.PACK,
                4,
                Optional.of(new PlacementIntent.Spread(PlacementIntent.Domain.SITE, 3)));
        var layout = new Cloud()
                .site(LONDON, 2)
                .run(web, 0, "london", "n1")
                .run(web, 1, "london", "n2")
                .elsewhere(web, 2, "paris", "n1")
                .elsewhere(web, 3, "madrid", "n1")
                .layout();

        // When london plans
        Plan plan = propose(layout, ObjectiveWeights.DEFAULT);

        // Then nothing is wrong before or after, the two london replicas share one node, and the
        // plan says what it counted beside them
        assertThat(plan.before().hard()).isZero();
        assertThat(plan.after().hard()).isZero();
        assertThat(plan.pinned()).isEqualTo(2);
        assertThat(plan.moves()).singleElement().satisfies(m -> {
            assertThat(m.from().site()).isEqualTo("london");
            assertThat(m.to().site()).isEqualTo("london");
        });
        assertThat(HardConstraints.violations(layout.applyAll(plan.moves()), LatencyModel.ESTIMATED))
                .isEmpty();
        // And without them, london alone would count both replicas as breaking the spread
        var alone = new Cloud()
                .site(LONDON, 2)
                .run(web, 0, "london", "n1")
                .run(web, 1, "london", "n2")
                .layout();
        assertThat(propose(alone, ObjectiveWeights.DEFAULT).before().hard()).isEqualTo(2);
    }
}
