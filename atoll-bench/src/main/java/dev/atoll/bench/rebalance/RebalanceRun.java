package dev.atoll.bench.rebalance;

import dev.atoll.bench.check.Quality;
import dev.atoll.bench.check.Violations;
import dev.atoll.bench.instance.UserPopulation;
import dev.atoll.bench.instance.Workload;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.rebalance.CloudLayout;
import dev.atoll.placement.rebalance.HardConstraints;
import dev.atoll.placement.rebalance.LoadSample;
import dev.atoll.placement.rebalance.Loads;
import dev.atoll.placement.rebalance.Move;
import dev.atoll.placement.rebalance.MoveRateLimit;
import dev.atoll.placement.rebalance.NeighbourScheduler;
import dev.atoll.placement.rebalance.NodeEvent;
import dev.atoll.placement.rebalance.Objective;
import dev.atoll.placement.rebalance.ObjectiveWeights;
import dev.atoll.placement.rebalance.OverloadPolicy;
import dev.atoll.placement.rebalance.Overloads;
import dev.atoll.placement.rebalance.PartitionRegistry;
import dev.atoll.placement.rebalance.PlacedInstance;
import dev.atoll.placement.rebalance.Resolution;
import dev.atoll.placement.rebalance.optimizer.BackgroundOptimizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One scenario under one strategy, on simulated time: every {@link #TICK_SECONDS} the nodes are
 * measured, moves whose time is up complete, the invariants are checked (by the independent
 * checker and by the placement filters) whenever the layout changed, and the strategy decides.
 *
 * <p>A move takes {@link #IN_SITE_MOVE_SECONDS} inside a site and {@link #CROSS_SITE_MOVE_SECONDS}
 * between sites (make-before-break: start the copy, wait for health, switch, stop the original),
 * and changes the layout when it completes, after its target is checked again. The neighbour
 * scheduler runs every tick on the events it sees (it holds each partition until its moves are
 * done); the central solve runs when the same detection sees an event and no plan is under way,
 * and its plan is applied under a {@link MoveRateLimit}. Everything but the wall time spent
 * deciding is the same for the same seed.
 */
public final class RebalanceRun {
    public static final int TICK_SECONDS = 5;
    public static final int IN_SITE_MOVE_SECONDS = 5;
    public static final int CROSS_SITE_MOVE_SECONDS = 15;
    /** Central plans per run, at most: a plan that does not resolve the event is followed by another. */
    static final int MAX_CENTRAL_SOLVES = 5;

    private static final LatencyModel LATENCY = LatencyModel.ESTIMATED;
    static final int EVENT_NODE_MIN_INSTANCES = 3;

    /**
     * @param centralMoveLimit moves Timefold evaluates per solve (its deterministic bound)
     * @param centralRate how fast a central plan is applied
     */
    public record Settings(
            long seed,
            int horizonSeconds,
            OverloadPolicy policy,
            int maxPartitionNodes,
            int centralMoveLimit,
            MoveRateLimit centralRate) {
        public static Settings defaults(long seed, int centralMoveLimit) {
            return new Settings(
                    seed,
                    600,
                    new OverloadPolicy(0.85, 0.90, 30_000),
                    32,
                    centralMoveLimit,
                    new MoveRateLimit(32, 1_000, 60_000));
        }
    }

    private record Flight(Move move, long doneAtSeconds, String owner) {}

    private RebalanceRun() {}

    public static RunResult run(RebalanceWorld initial, Scenario scenario, Strategy strategy, Settings settings) {
        RebalanceWorld world = initial;
        CloudLayout layout = initial.layout();
        Set<InstanceId> hot = new HashSet<>();
        Set<String> drained = new LinkedHashSet<>();
        switch (scenario) {
            case HOT_SPOT -> {
                for (String node : eventNodes(layout, settings.seed(), 3))
                    for (PlacedInstance i : layout.instancesOn(node)) hot.add(i.id());
            }
            case DRAIN -> {
                drained.addAll(eventNodes(layout, settings.seed() + 1, 2));
                layout = layout.closing(drained);
            }
            case USER_MOVEMENT -> {
                world = moveUsers(initial, settings.seed());
                layout = world.layout();
            }
        }
        double latencyBefore =
                Quality.of(world.instance(), world.nodeOf(layout)).meanUserLatencyMs();
        double replicaLatencyBefore = replicaLatencyMs(layout);
        NeighbourScheduler scheduler = new NeighbourScheduler(settings.policy(), LATENCY, settings.maxPartitionNodes());
        long windowMillis = settings.policy().windowMillis();

        List<LoadSample> samples = new ArrayList<>();
        List<Flight> flights = new ArrayList<>();
        List<Move> queue = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        PartitionRegistry registry = PartitionRegistry.EMPTY;
        OptionalLong resolvedAt = OptionalLong.empty();
        int moves = 0;
        int crossSite = 0;
        int aborted = 0;
        int violations = 0;
        String firstViolation = "";
        long decideNanos = 0;
        int solves = 0;
        int bad = 0;

        for (long t = 0; t <= settings.horizonSeconds(); t += TICK_SECONDS) {
            // Moves whose time is up complete, each checked again where it lands.
            boolean changed = t == 0;
            for (var it = flights.iterator(); it.hasNext(); ) {
                Flight f = it.next();
                if (f.doneAtSeconds() > t) continue;
                it.remove();
                changed = true;
                Move m = f.move();
                String target = m.to().site() + "/" + m.to().node();
                if (HardConstraints.allows(layout, layout.instance(m.id()), target, LATENCY)) {
                    layout = layout.apply(m);
                    moves++;
                    if (m.betweenSites()) crossSite++;
                } else {
                    aborted++;
                }
                if (f.owner() != null
                        && flights.stream().noneMatch(o -> f.owner().equals(o.owner())))
                    registry = registry.release(f.owner());
            }
            if (changed) {
                Violations v = world.check(layout);
                List<String> filters = HardConstraints.violations(layout, LATENCY);
                if (v.total() + filters.size() > 0) {
                    if (violations == 0)
                        firstViolation =
                                "t=" + t + "s: " + v.describe() + (filters.isEmpty() ? "" : "; " + filters.get(0));
                    violations += v.total() + filters.size();
                }
            }

            Loads loads = loads(layout, hot);
            for (NodeInfo n : layout.nodes())
                samples.add(new LoadSample(n.id(), t * 1000, loads.onNode(layout, n.id())));
            long oldest = t * 1000 - windowMillis - TICK_SECONDS * 1000L;
            samples.removeIf(s -> s.atMillis() < oldest);
            bad = badNodes(layout, loads, settings.policy(), drained);
            if (bad == 0 && resolvedAt.isEmpty() && scenario != Scenario.USER_MOVEMENT) resolvedAt = OptionalLong.of(t);
            if (resolvedAt.isPresent() && flights.isEmpty()) break;

            List<NodeEvent> events = new ArrayList<>(Overloads.detect(layout, samples, settings.policy(), t * 1000));
            for (String d : drained) if (!layout.instancesOn(d).isEmpty()) events.add(new NodeEvent.Drain(d));
            switch (strategy) {
                case NONE -> {}
                case NEIGHBOURS -> {
                    final PartitionRegistry held = registry;
                    events.removeIf(e -> held.ownerOf(e.nodeId())
                            .map(NeighbourScheduler.owner(e)::equals)
                            .orElse(false));
                    if (events.isEmpty()) break;
                    long start = System.nanoTime();
                    var round = scheduler.resolveAll(events, layout, loads, registry, settings.seed() + t);
                    decideNanos += System.nanoTime() - start;
                    for (Resolution r : round.resolutions()) {
                        if (!(r instanceof Resolution.Resolved ok) || ok.moves().isEmpty()) continue;
                        registry = registry.reserve(ok.partition());
                        for (Move m : ok.moves())
                            flights.add(new Flight(
                                    m, t + duration(m), ok.partition().owner()));
                    }
                }
                case CENTRAL -> {
                    boolean periodic = scenario == Scenario.USER_MOVEMENT && t * 1000 == windowMillis;
                    if (queue.isEmpty()
                            && flights.isEmpty()
                            && solves < MAX_CENTRAL_SOLVES
                            && (periodic || !events.isEmpty())) {
                        Set<String> all = new HashSet<>();
                        for (SiteInfo s : layout.sites()) all.add(s.name());
                        long start = System.nanoTime();
                        var plan = BackgroundOptimizer.propose(new BackgroundOptimizer.Request(
                                layout,
                                all,
                                loads,
                                settings.policy(),
                                LATENCY,
                                ObjectiveWeights.DEFAULT,
                                settings.seed() + solves,
                                settings.centralMoveLimit(),
                                Duration.ofMinutes(5)));
                        decideNanos += System.nanoTime() - start;
                        solves++;
                        queue.addAll(plan.moves());
                    }
                    List<Move> inFlight = flights.stream().map(Flight::move).toList();
                    for (Move m : settings.centralRate().admit(queue, inFlight, starts, t * 1000)) {
                        queue.remove(m);
                        starts.add(t * 1000);
                        flights.add(new Flight(m, t + duration(m), null));
                    }
                }
            }
        }
        double latencyAfter = Quality.of(world.instance(), world.nodeOf(layout)).meanUserLatencyMs();
        return new RunResult(
                scenario,
                strategy,
                resolvedAt,
                moves,
                crossSite,
                aborted,
                decideNanos / 1_000_000,
                bad,
                violations,
                firstViolation,
                latencyBefore,
                latencyAfter,
                replicaLatencyBefore,
                replicaLatencyMs(layout));
    }

    /** The mean over replicas of the RTT from their site to their service's users. */
    static double replicaLatencyMs(CloudLayout layout) {
        if (layout.instances().isEmpty()) return 0;
        long sum = 0;
        for (PlacedInstance i : layout.instances())
            sum += Objective.meanRttMs(i.service().placement().nearUsers(), layout.site(i.at().site()), LATENCY);
        return (double) sum / layout.instances().size();
    }

    static long duration(Move m) {
        return m.betweenSites() ? CROSS_SITE_MOVE_SECONDS : IN_SITE_MOVE_SECONDS;
    }

    /** Each instance uses its cpu request times its factor, and its memory request. */
    static Loads loads(CloudLayout layout, Set<InstanceId> hot) {
        Map<InstanceId, Resources> use = new HashMap<>();
        for (PlacedInstance i : layout.instances()) {
            double f = hot.contains(i.id()) ? Scenario.HOT_FACTOR : Scenario.NORMAL_FACTOR;
            use.put(
                    i.id(),
                    new Resources(
                            Math.round(i.resources().cpuMillis() * f),
                            i.resources().memoryBytes()));
        }
        return new Loads(use, Map.of());
    }

    /** Nodes over their limits now, and drained nodes that still hold instances. */
    static int badNodes(CloudLayout layout, Loads loads, OverloadPolicy policy, Set<String> drained) {
        int bad = 0;
        for (NodeInfo n : layout.nodes()) {
            boolean over = !loads.onNode(layout, n.id()).fitsIn(Objective.limit(n, policy));
            boolean notDrained =
                    drained.contains(n.id()) && !layout.instancesOn(n.id()).isEmpty();
            if (over || notDrained) bad++;
        }
        return bad;
    }

    /**
     * The nodes the events start at: {@code count} nodes drawn from the seed among those running
     * at least {@link #EVENT_NODE_MIN_INSTANCES} instances, in two sites or more when the cloud has
     * them (the first two from one site, the rest from others), so events meet in a site and also
     * happen apart.
     */
    static List<String> eventNodes(CloudLayout layout, long seed, int count) {
        List<NodeInfo> busy = new ArrayList<>();
        for (NodeInfo n : layout.nodes())
            if (layout.instancesOn(n.id()).size() >= EVENT_NODE_MIN_INSTANCES) busy.add(n);
        SplittableRandom random = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        if (busy.isEmpty()) return out;
        NodeInfo first = busy.get(random.nextInt(busy.size()));
        out.add(first.id());
        List<NodeInfo> sameSite = busy.stream()
                .filter(n -> n.site().equals(first.site()) && n != first)
                .toList();
        if (count > 1 && !sameSite.isEmpty())
            out.add(sameSite.get(random.nextInt(sameSite.size())).id());
        List<NodeInfo> elsewhere = new ArrayList<>(
                busy.stream().filter(n -> !n.site().equals(first.site())).toList());
        while (out.size() < count && !elsewhere.isEmpty())
            out.add(elsewhere.remove(random.nextInt(elsewhere.size())).id());
        return out;
    }

    /**
     * The world after the day moved on: each service's users are near another site its
     * jurisdiction allows (seeded), as many as before, with no latency bound.
     */
    static RebalanceWorld moveUsers(RebalanceWorld world, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SiteInfo> sites = world.instance().sites();
        List<Workload> workloads = new ArrayList<>();
        Map<String, ServiceSpec> byName = new HashMap<>();
        for (Workload w : world.instance().workloads()) {
            ServiceSpec s = w.service();
            PlacementIntent intent = s.placement();
            List<SiteInfo> allowed = new ArrayList<>();
            for (SiteInfo site : sites)
                if (intent.jurisdictions().isEmpty() || intent.jurisdictions().contains(site.jurisdiction()))
                    allowed.add(site);
            UserRegion was =
                    intent.nearUsers().isEmpty() ? null : intent.nearUsers().get(0);
            if (was != null && allowed.size() > 1) {
                allowed.removeIf(site -> site.location().distanceKm(was.location()) < 1);
            }
            SiteInfo to = allowed.get(random.nextInt(allowed.size()));
            UserRegion now = new UserRegion("users-near-" + to.name(), to.location(), java.util.Optional.empty());
            long people = w.users().isEmpty() ? 100_000 : w.users().get(0).people();
            PlacementIntent moved = new PlacementIntent(
                    intent.jurisdictions(),
                    intent.countries(),
                    intent.sites(),
                    intent.avoidSites(),
                    intent.requireTags(),
                    intent.preferTags(),
                    List.of(now),
                    intent.spread(),
                    intent.antiAffinity(),
                    intent.strategy());
            ServiceSpec spec = new ServiceSpec(
                    s.name(),
                    s.driver(),
                    s.command(),
                    s.env(),
                    s.resources(),
                    s.ports(),
                    s.health(),
                    s.replicas(),
                    s.restart(),
                    moved,
                    s.image(),
                    s.readOnly(),
                    s.mounts(),
                    s.networks(),
                    s.expose());
            byName.put(s.name(), spec);
            workloads.add(new Workload(spec, List.of(new UserPopulation(now, people))));
        }
        List<PlacedInstance> relabelled = new ArrayList<>();
        for (PlacedInstance i : world.layout().instances())
            relabelled.add(new PlacedInstance(i.id(), byName.get(i.service().name()), i.at()));
        CloudLayout layout = new CloudLayout(
                world.layout().sites(), world.layout().nodes(), world.layout().closedNodes(), relabelled);
        return world.withWorkloads(workloads, layout);
    }
}
