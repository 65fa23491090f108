package dev.atoll.placement.rebalance;

import static dev.atoll.placement.rebalance.RebalanceFixtures.res;
import static dev.atoll.placement.rebalance.RebalanceFixtures.site;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.CloudCapacity;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.Placer;
import dev.atoll.placement.rebalance.optimizer.BackgroundOptimizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the deciders of moves over random small clouds placed by the real {@link Placer}:
 * every move keeps every hard constraint and no node is over-committed; partitions never overlap;
 * an overload is resolved when the cloud has room; the optimizer never makes the hard score worse;
 * the same input and seed give the same decision.
 */
class RebalancePropertiesTest {
    static final OverloadPolicy POLICY = new OverloadPolicy(0.8, 0.9, 30_000);
    static final LatencyModel LATENCY = LatencyModel.ESTIMATED;
    static final List<String> SITES = List.of("london", "paris", "frankfurt", "madrid", "new-york");

    /** A cloud placed by the Placer, and the measured use of its nodes. */
    record Scenario(CloudLayout layout, Map<String, Resources> measured, long seed) {
        Loads loads() {
            return Loads.estimate(layout, measured);
        }

        List<String> busyNodes() {
            List<String> out = new ArrayList<>();
            for (NodeInfo n : layout.nodes()) if (!layout.instancesOn(n.id()).isEmpty()) out.add(n.id());
            return out;
        }

        @Override
        public String toString() {
            return layout.instances().size() + " instances on " + layout.nodes().size() + " nodes, seed " + seed
                    + ", measured " + measured;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return scenarios(true);
    }

    @Provide
    Arbitrary<Scenario> unconstrained() {
        return scenarios(false);
    }

    private Arbitrary<Scenario> scenarios(boolean constrained) {
        Arbitrary<List<Integer>> nodesPerSite =
                Arbitraries.integers().between(0, 3).list().ofSize(SITES.size());
        Arbitrary<List<ServiceSpec>> services =
                service(constrained).list().ofMinSize(1).ofMaxSize(5);
        Arbitrary<Long> seeds = Arbitraries.longs().between(0, 1_000_000);
        Arbitrary<Double> heat = Arbitraries.doubles().between(0.5, 1.6);
        return Combinators.combine(nodesPerSite, services, seeds, heat)
                .as((perSite, specs, seed, factor) -> build(perSite, specs, seed, factor))
                .filter(s -> !s.layout().instances().isEmpty());
    }

    private Arbitrary<ServiceSpec> service(boolean constrained) {
        Arbitrary<String> cpu = Arbitraries.of("250m", "500m", "1", "1500m");
        Arbitrary<String> memory = Arbitraries.of("256Mi", "512Mi", "1Gi", "2Gi");
        Arbitrary<Integer> replicas = Arbitraries.integers().between(1, 5);
        Arbitrary<Integer> rules = constrained ? Arbitraries.integers().between(0, 5) : Arbitraries.just(0);
        Arbitrary<Integer> names = Arbitraries.integers().between(0, 1_000_000);
        return Combinators.combine(cpu, memory, replicas, rules, names).as((c, m, r, rule, name) -> {
            var b = RebalanceFixtures.service("s" + name).needing(c, m).replicas(r);
            switch (rule) {
                case 1 -> b.inJurisdictions("EU");
                case 2 -> b.antiAffinity(AntiAffinity.NODE);
                case 3 -> b.spreadAcross(PlacementIntent.Domain.SITE, 2);
                case 4 -> b.packed();
                case 5 -> b.nearUsers("paris", RebalanceFixtures.PARIS, 30);
                default -> {}
            }
            return b.build();
        });
    }

    private static Scenario build(List<Integer> perSite, List<ServiceSpec> specs, long seed, double factor) {
        List<SiteInfo> sites = new ArrayList<>();
        List<NodeInfo> nodes = new ArrayList<>();
        for (int s = 0; s < SITES.size(); s++) {
            if (perSite.get(s) == 0) continue;
            SiteInfo site = site(SITES.get(s));
            sites.add(site);
            for (int n = 1; n <= perSite.get(s); n++)
                nodes.add(new NodeInfo(site.name(), "n" + n, res("4", "8Gi"), 8, Set.of("process"), Set.of()));
        }
        CloudCapacity cloud = new CloudCapacity();
        for (SiteInfo site : sites) {
            List<NodeInfo> of =
                    nodes.stream().filter(n -> n.site().equals(site.name())).toList();
            cloud.addSite(site, of);
        }
        Placer placer = new Placer(cloud, LATENCY);
        List<PlacedInstance> instances = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ServiceSpec spec : specs) {
            if (!names.add(spec.name())) continue;
            var result = placer.place(spec, spec.replicas(), seed);
            List<Assignment> placed = result.assignments();
            if (result instanceof dev.atoll.placement.PlacementResult.Unplaceable) {
                // A service placed half-way may break its own spread: it is left out, as a
                // deploy that cannot be placed is.
                for (Assignment a : placed) cloud.release(a.site(), a.node(), spec.resources());
                continue;
            }
            for (int i = 0; i < placed.size(); i++)
                instances.add(new PlacedInstance(new InstanceId("acme", "shop", spec.name(), i), spec, placed.get(i)));
        }
        CloudLayout layout = new CloudLayout(sites, nodes, Set.of(), instances);
        // The first busy node runs hot by the factor; the others use what they asked for.
        Map<String, Resources> measured = new HashMap<>();
        for (NodeInfo n : nodes) {
            Resources allocated = layout.allocated(n.id());
            if (allocated.equals(Resources.ZERO)) continue;
            measured.put(
                    n.id(),
                    new Resources(
                            Math.min(n.capacity().cpuMillis(), Math.round(allocated.cpuMillis() * factor)),
                            allocated.memoryBytes()));
            factor = 1.0;
        }
        return new Scenario(layout, measured, seed);
    }

    private static final NeighbourScheduler SCHEDULER = new NeighbourScheduler(POLICY, LATENCY, 16);

    /** Applies moves one by one, checking each is allowed where the ones before it left things. */
    private static CloudLayout applyChecked(CloudLayout layout, List<Move> moves) {
        CloudLayout work = layout;
        for (Move m : moves) {
            String target = m.to().site() + "/" + m.to().node();
            assertThat(HardConstraints.whyNot(work, work.instance(m.id()), target, LATENCY))
                    .as("move of %s to %s", m.id().display(), target)
                    .isEmpty();
            work = work.apply(m);
            for (NodeInfo n : work.nodes())
                assertThat(work.overCommitted(n.id())).as(n.id()).isFalse();
        }
        return work;
    }

    private static List<NodeEvent> events(Scenario s) {
        List<NodeEvent> events = new ArrayList<>();
        events.addAll(Overloads.detect(s.layout(), samples(s), POLICY, 30_000));
        List<String> busy = s.busyNodes();
        String drained = busy.get((int) (s.seed() % busy.size()));
        boolean alreadyOverloaded = events.stream().anyMatch(e -> e.nodeId().equals(drained));
        if (!alreadyOverloaded) events.add(new NodeEvent.Drain(drained));
        return events;
    }

    /** The measured use held for the whole window. */
    private static List<LoadSample> samples(Scenario s) {
        List<LoadSample> out = new ArrayList<>();
        s.measured().forEach((node, used) -> {
            out.add(new LoadSample(node, 0, used));
            out.add(new LoadSample(node, 30_000, used));
        });
        return out;
    }

    @Property(tries = 150)
    void everyMoveOfTheNeighbourSchedulerKeepsEveryHardConstraint(@ForAll("scenarios") Scenario s) {
        assertThat(HardConstraints.violations(s.layout(), LATENCY))
                .as("the Placer's own placement")
                .isEmpty();

        var round = SCHEDULER.resolveAll(events(s), s.layout(), s.loads(), PartitionRegistry.EMPTY, s.seed());

        CloudLayout after = applyChecked(s.layout(), round.moves());
        assertThat(HardConstraints.violations(after, LATENCY)).isEmpty();
    }

    @Property(tries = 150)
    void partitionsNeverOverlapNorTakeAHeldNode(@ForAll("scenarios") Scenario s) {
        // Another event holds one node before the round.
        String held = s.layout()
                .nodes()
                .get((int) (s.seed() % s.layout().nodes().size()))
                .id();
        var registry = PartitionRegistry.EMPTY.reserve(new Partition("elsewhere", held, List.of(held)));

        var round = SCHEDULER.resolveAll(events(s), s.layout(), s.loads(), registry, s.seed());

        Set<String> seen = new HashSet<>(Set.of(held));
        for (Resolution r : round.resolutions()) {
            if (!(r instanceof Resolution.Resolved ok)) continue;
            for (String node : ok.partition().nodes())
                assertThat(seen.add(node)).as("node %s held twice", node).isTrue();
            for (Move m : ok.moves()) {
                assertThat(ok.partition().nodes())
                        .contains(m.from().site() + "/" + m.from().node());
                assertThat(ok.partition().nodes()).contains(m.to().site() + "/" + m.to().node());
            }
        }
    }

    @Property(tries = 150)
    void anOverloadIsResolvedWhenTheCloudHasRoomForIt(@ForAll("unconstrained") Scenario s) {
        // An empty site of large nodes joins the cloud: room for anything that must leave.
        List<SiteInfo> sites = new ArrayList<>(s.layout().sites());
        List<NodeInfo> nodes = new ArrayList<>(s.layout().nodes());
        SiteInfo spare = site("tokyo");
        sites.add(spare);
        for (int n = 1; n <= 4; n++)
            nodes.add(new NodeInfo("tokyo", "n" + n, res("64", "256Gi"), 64, Set.of("process"), Set.of()));
        CloudLayout layout = new CloudLayout(sites, nodes, Set.of(), s.layout().instances());
        Loads loads = Loads.estimate(layout, s.measured());
        var overloads = Overloads.detect(layout, samples(s), POLICY, 30_000);

        // Round after round, as DVMS retries a waiting event once the partitions in its way are
        // released (their moves done): each round resolves at least one event.
        CloudLayout after = layout;
        List<NodeEvent.Overload> open = new ArrayList<>(overloads);
        for (int round = 0; round <= overloads.size() && !open.isEmpty(); round++) {
            var decided = SCHEDULER.resolveAll(open, after, loads, PartitionRegistry.EMPTY, s.seed());
            assertThat(decided.resolutions()).noneMatch(r -> r instanceof Resolution.Unresolvable);
            after = applyChecked(after, decided.moves());
            open.clear();
            for (Resolution r : decided.resolutions())
                if (r instanceof Resolution.Waiting w) open.add((NodeEvent.Overload) w.event());
        }
        assertThat(open).as("events still waiting").isEmpty();
        for (var o : overloads) {
            assertThat(loads.onNode(after, o.nodeId()).fitsIn(Objective.limit(after.node(o.nodeId()), POLICY)))
                    .as("%s after its moves", o.nodeId())
                    .isTrue();
        }
    }

    @Property(tries = 100)
    void aDrainEmptiesItsNodeWhenTheCloudHasRoom(@ForAll("unconstrained") Scenario s) {
        List<SiteInfo> sites = new ArrayList<>(s.layout().sites());
        List<NodeInfo> nodes = new ArrayList<>(s.layout().nodes());
        sites.add(site("tokyo"));
        for (int n = 1; n <= 2; n++)
            nodes.add(new NodeInfo("tokyo", "n" + n, res("64", "256Gi"), 64, Set.of("process"), Set.of()));
        String drained = s.busyNodes().get((int) (s.seed() % s.busyNodes().size()));
        CloudLayout layout =
                new CloudLayout(sites, nodes, Set.of(drained), s.layout().instances());
        Loads loads = Loads.estimate(layout, s.measured());

        var r = SCHEDULER.resolve(
                new NodeEvent.Drain(drained), layout, loads, PartitionRegistry.EMPTY, Set.of(), s.seed());

        assertThat(r).isInstanceOf(Resolution.Resolved.class);
        CloudLayout after = applyChecked(layout, ((Resolution.Resolved) r).moves());
        assertThat(after.instancesOn(drained)).isEmpty();
    }

    @Property(tries = 100)
    void theNeighbourSchedulerDecidesTheSameForTheSameInputAndSeed(@ForAll("scenarios") Scenario s) {
        var first = SCHEDULER.resolveAll(events(s), s.layout(), s.loads(), PartitionRegistry.EMPTY, s.seed());
        var second = SCHEDULER.resolveAll(events(s), s.layout(), s.loads(), PartitionRegistry.EMPTY, s.seed());

        assertThat(second).isEqualTo(first);
    }

    private static BackgroundOptimizer.Request optimizing(Scenario s) {
        Set<String> all = new HashSet<>();
        for (SiteInfo site : s.layout().sites()) all.add(site.name());
        return new BackgroundOptimizer.Request(
                s.layout(),
                all,
                s.loads(),
                POLICY,
                LATENCY,
                ObjectiveWeights.DEFAULT,
                s.seed(),
                3_000,
                Duration.ofSeconds(60));
    }

    @Property(tries = 25)
    void theOptimizerNeverMakesTheHardScoreWorseAndEachMoveKeepsTheConstraints(@ForAll("scenarios") Scenario s) {
        Plan plan = BackgroundOptimizer.propose(optimizing(s));

        CloudLayout after = applyChecked(s.layout(), plan.moves());
        assertThat(plan.after().hard()).isLessThanOrEqualTo(plan.before().hard());
        assertThat(HardConstraints.violations(after, LATENCY)).isEmpty();
        assertThat(plan.after().compareTo(plan.before(), plan.weights())).isLessThanOrEqualTo(0);
        assertThat(Objective.score(after, s.layout(), s.loads(), POLICY, LATENCY))
                .isEqualTo(plan.after());
    }

    @Property(tries = 10)
    void theOptimizerProposesTheSamePlanForTheSameInputAndSeed(@ForAll("scenarios") Scenario s) {
        assertThat(BackgroundOptimizer.propose(optimizing(s))).isEqualTo(BackgroundOptimizer.propose(optimizing(s)));
    }
}
