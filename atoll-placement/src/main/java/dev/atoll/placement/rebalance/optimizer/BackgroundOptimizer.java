package dev.atoll.placement.rebalance.optimizer;

import ai.timefold.solver.core.api.solver.Solver;
import ai.timefold.solver.core.api.solver.SolverFactory;
import ai.timefold.solver.core.config.constructionheuristic.ConstructionHeuristicPhaseConfig;
import ai.timefold.solver.core.config.localsearch.LocalSearchPhaseConfig;
import ai.timefold.solver.core.config.localsearch.decider.acceptor.AcceptorType;
import ai.timefold.solver.core.config.localsearch.decider.acceptor.LocalSearchAcceptorConfig;
import ai.timefold.solver.core.config.localsearch.decider.forager.LocalSearchForagerConfig;
import ai.timefold.solver.core.config.solver.EnvironmentMode;
import ai.timefold.solver.core.config.solver.SolverConfig;
import ai.timefold.solver.core.config.solver.termination.TerminationConfig;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.rebalance.CloudLayout;
import dev.atoll.placement.rebalance.HardConstraints;
import dev.atoll.placement.rebalance.Loads;
import dev.atoll.placement.rebalance.Move;
import dev.atoll.placement.rebalance.Objective;
import dev.atoll.placement.rebalance.ObjectiveScore;
import dev.atoll.placement.rebalance.ObjectiveWeights;
import dev.atoll.placement.rebalance.OverloadPolicy;
import dev.atoll.placement.rebalance.PlacedInstance;
import dev.atoll.placement.rebalance.Plan;
import dev.atoll.placement.rebalance.SiteEnergy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The background optimizer: Timefold Solver over the current placement of a site or a region
 * proposes moves that improve a weighted objective (user latency, spread, energy, fewest moves;
 * see {@link Objective}) while keeping every hard constraint.
 *
 * <p>The solver starts from where every instance runs now, so its best solution is never worse
 * than that: hard first, then overload, then the weighted soft terms. Instances outside the scope
 * are pinned (they count, they do not move). The layout's pinned replicas elsewhere ({@link
 * CloudLayout#pinned}) are no planning entities at all: they take no room, and enter the rules of
 * their service as the sites and nodes they hold (spread, anti-affinity). The search is hill climbing: it only takes moves that
 * do not make the score worse. Late acceptance (Timefold's default) wandered: while draining or
 * overload improved it accepted any soft loss, and ended with most instances moved for little
 * gain; a plan should move few instances, and hill climbing from the current placement does. Instances on closed nodes (being drained) must leave:
 * that weighs right after the hard constraints. Only local search runs, for a bounded number of
 * evaluated moves, from the seed: the same request gives the same plan on any machine. The solution's
 * changes are then ordered so that each move, applied after those before it, passes the placement
 * filters ({@link HardConstraints}); a move that cannot be ordered so (a swap with no room to
 * pass through) is left out. The plan's before and after figures come from {@link Objective},
 * not from the solver, and a plan that would not improve them is empty.
 */
public final class BackgroundOptimizer {
    /**
     * @param scopeSites the sites whose instances may move, and only between their nodes
     * @param moveLimit moves the local search evaluates: the bound that makes a run deterministic
     *     (a step count would not do: on a small problem where no move is accepted, one step never
     *     ends)
     * @param safetyLimit wall time after which the solver stops whatever the steps (only reached
     *     on a machine far slower than expected; the plan is then not reproducible, so keep it
     *     generous)
     */
    public record Request(
            CloudLayout layout,
            Set<String> scopeSites,
            Loads loads,
            OverloadPolicy policy,
            LatencyModel latency,
            ObjectiveWeights weights,
            long seed,
            int moveLimit,
            Duration safetyLimit) {
        public Request {
            Objects.requireNonNull(layout, "layout");
            scopeSites = Set.copyOf(scopeSites);
            if (moveLimit < 1) throw new IllegalArgumentException("moveLimit must be 1 or more, got " + moveLimit);
        }

        /** Over every site of the layout, loads from allocations, default policy and weights. */
        public static Request wholeLayout(CloudLayout layout, long seed, int moveLimit) {
            Set<String> all = new java.util.HashSet<>();
            for (SiteInfo s : layout.sites()) all.add(s.name());
            return new Request(
                    layout,
                    all,
                    Loads.fromAllocations(layout),
                    OverloadPolicy.DEFAULT,
                    LatencyModel.ESTIMATED,
                    ObjectiveWeights.DEFAULT,
                    seed,
                    moveLimit,
                    Duration.ofSeconds(60));
        }
    }

    /** Improving moves weighed against each other per step. */
    static final int ACCEPTED_PER_STEP = 50;

    private BackgroundOptimizer() {}

    public static Plan propose(Request request) {
        CloudLayout layout = request.layout();
        ObjectiveWeights weights = request.weights();
        ObjectiveScore before = Objective.score(layout, layout, request.loads(), request.policy(), request.latency());

        Problem problem = Problem.of(request);
        SolverConfig config = new SolverConfig()
                .withSolutionClass(RebalanceProblem.class)
                .withEntityClasses(InstanceVariable.class)
                .withConstraintProviderClass(RebalanceConstraints.class)
                .withEnvironmentMode(EnvironmentMode.NO_ASSERT)
                .withRandomSeed(request.seed())
                .withTerminationConfig(new TerminationConfig().withSpentLimit(request.safetyLimit()))
                .withPhases(
                        new ConstructionHeuristicPhaseConfig(),
                        new LocalSearchPhaseConfig()
                                .withAcceptorConfig(new LocalSearchAcceptorConfig()
                                        .withAcceptorTypeList(List.of(AcceptorType.HILL_CLIMBING)))
                                // The best of several improving moves, not the first: the first move
                                // that takes an instance off a draining node may take it anywhere.
                                .withForagerConfig(
                                        new LocalSearchForagerConfig().withAcceptedCountLimit(ACCEPTED_PER_STEP))
                                .withTerminationConfig(
                                        new TerminationConfig().withMoveCountLimit((long) request.moveLimit())));
        Solver<RebalanceProblem> solver =
                SolverFactory.<RebalanceProblem>create(config).buildSolver();
        RebalanceProblem best = solver.solve(problem.solution);

        List<Move> wanted = new ArrayList<>();
        for (InstanceVariable v : best.getInstances()) {
            if (v.isPinned() || v.getNode() == null || v.getNode() == v.getOriginal()) continue;
            PlacedInstance instance = problem.instances.get(v.getId());
            NodeInfo target = problem.nodes.get(v.getNode().index());
            wanted.add(new Move(instance.id(), instance.at(), CloudLayout.at(target), "optimizer: " + best.getScore()));
        }
        List<Move> ordered = ordered(layout, wanted, request.latency());
        CloudLayout afterLayout = layout.applyAll(ordered);
        ObjectiveScore after =
                Objective.score(afterLayout, layout, request.loads(), request.policy(), request.latency());
        if (ordered.isEmpty() || after.compareTo(before, weights) >= 0)
            return new Plan(List.of(), before, before, weights, layout.pinned().size());
        return new Plan(ordered, before, after, weights, layout.pinned().size());
    }

    /**
     * The moves in an order in which each passes the placement filters after those before it:
     * repeatedly the first move (by instance) that fits now. Moves that never fit are left out.
     */
    static List<Move> ordered(CloudLayout layout, List<Move> wanted, LatencyModel latency) {
        List<Move> pending = new ArrayList<>(wanted);
        pending.sort(java.util.Comparator.comparing(m -> m.id().key()));
        List<Move> out = new ArrayList<>();
        CloudLayout work = layout;
        boolean progress = true;
        while (progress && !pending.isEmpty()) {
            progress = false;
            for (int k = 0; k < pending.size(); k++) {
                Move m = pending.get(k);
                String target = m.to().site() + "/" + m.to().node();
                if (HardConstraints.allows(work, work.instance(m.id()), target, latency)) {
                    work = work.apply(m);
                    out.add(m);
                    pending.remove(k);
                    progress = true;
                    break;
                }
            }
        }
        return out;
    }

    /** The request in the solver's terms, and the way back from its indexes. */
    private record Problem(RebalanceProblem solution, List<NodeInfo> nodes, List<PlacedInstance> instances) {
        static Problem of(Request request) {
            CloudLayout layout = request.layout();
            ObjectiveWeights w = request.weights();
            List<SiteInfo> sites = layout.sites();
            Map<String, Integer> siteIndex = new HashMap<>();
            for (int s = 0; s < sites.size(); s++) siteIndex.put(sites.get(s).name(), s);
            List<NodeInfo> nodes = layout.nodes();
            List<HostSlot> slots = new ArrayList<>(nodes.size());
            Map<String, HostSlot> slotById = new HashMap<>();
            for (int n = 0; n < nodes.size(); n++) {
                NodeInfo node = nodes.get(n);
                Resources limit = Objective.limit(node, request.policy());
                Resources residue = request.loads().residue().getOrDefault(node.id(), Resources.ZERO);
                Resources room = limit.minusClamped(residue);
                HostSlot slot = new HostSlot(
                        n,
                        siteIndex.get(node.site()),
                        node.capacity().cpuMillis(),
                        node.capacity().memoryBytes(),
                        node.instanceSlots(),
                        room.cpuMillis(),
                        room.memoryBytes(),
                        w.energy() * SiteEnergy.IDLE_NODE_COST);
                slots.add(slot);
                slotById.put(node.id(), slot);
            }

            // Pinned replicas elsewhere by service, as site and node keys: the index of a site or
            // node of the layout, else one after them, so a domain outside the layout counts once.
            Map<String, Integer> siteKeys = new HashMap<>(siteIndex);
            Map<String, Integer> nodeKeys = new HashMap<>();
            for (HostSlot slot : slots) nodeKeys.put(nodes.get(slot.index()).id(), slot.index());
            Map<String, Map<Integer, Integer>> pinnedSites = new HashMap<>();
            Map<String, Map<Integer, Integer>> pinnedNodes = new HashMap<>();
            for (PlacedInstance p : layout.pinned()) {
                int site = siteKeys.computeIfAbsent(p.at().site(), k -> siteKeys.size());
                int node = nodeKeys.computeIfAbsent(p.nodeId(), k -> nodeKeys.size());
                pinnedSites
                        .computeIfAbsent(p.serviceKey(), k -> new HashMap<>())
                        .merge(site, 1, Integer::sum);
                pinnedNodes
                        .computeIfAbsent(p.serviceKey(), k -> new HashMap<>())
                        .merge(node, 1, Integer::sum);
            }

            Map<String, ServiceRules> rules = new LinkedHashMap<>();
            List<InstanceVariable> variables = new ArrayList<>();
            List<PlacedInstance> instances = layout.instances();
            for (int k = 0; k < instances.size(); k++) {
                PlacedInstance i = instances.get(k);
                ServiceRules r = rules.computeIfAbsent(
                        i.serviceKey(),
                        key -> rulesOf(
                                rules.size(),
                                i.service(),
                                layout.replicasOf(i.id()).size(),
                                request,
                                sites,
                                pinnedSites.getOrDefault(key, Map.of()),
                                pinnedNodes.getOrDefault(key, Map.of())));
                Resources used = request.loads().of(i.id());
                variables.add(new InstanceVariable(
                        k,
                        r,
                        i.resources().cpuMillis(),
                        i.resources().memoryBytes(),
                        used.cpuMillis(),
                        used.memoryBytes(),
                        slotById.get(i.nodeId()),
                        w.moves(),
                        layout.closedNodes().contains(i.nodeId()),
                        !request.scopeSites().contains(i.at().site())));
            }
            return new Problem(new RebalanceProblem(slots, variables), nodes, instances);
        }

        private static ServiceRules rulesOf(
                int index,
                ServiceSpec service,
                int replicas,
                Request request,
                List<SiteInfo> sites,
                Map<Integer, Integer> pinnedPerSite,
                Map<Integer, Integer> pinnedPerNode) {
            CloudLayout layout = request.layout();
            ObjectiveWeights w = request.weights();
            List<NodeInfo> nodes = layout.nodes();
            boolean[] allowed = new boolean[nodes.size()];
            for (int n = 0; n < nodes.size(); n++) {
                NodeInfo node = nodes.get(n);
                allowed[n] = request.scopeSites().contains(node.site())
                        && !layout.closedNodes().contains(node.id())
                        && HardConstraints.allowsStatically(service, layout.site(node.site()), node, request.latency());
            }
            long[] latency = new long[sites.size()];
            long[] energy = new long[sites.size()];
            for (int s = 0; s < sites.size(); s++) {
                latency[s] = w.latency()
                        * Objective.meanRttMs(service.placement().nearUsers(), sites.get(s), request.latency());
                energy[s] = w.energy()
                        * SiteEnergy.of(sites.get(s)).cost(service.resources().cpuMillis());
            }
            PlacementIntent intent = service.placement();
            int anti =
                    switch (intent.antiAffinity()) {
                        case NONE -> ServiceRules.NONE;
                        case NODE -> ServiceRules.NODE;
                        case SITE -> ServiceRules.SITE;
                    };
            int across = intent.spread()
                    .map(s -> s.across() == Domain.SITE ? ServiceRules.SITE : ServiceRules.NODE)
                    .orElse(ServiceRules.NONE);
            int min = intent.spread().map(PlacementIntent.Spread::minDomains).orElse(0);
            boolean spreadStrategy = intent.strategy() == Strategy.SPREAD;
            return new ServiceRules(
                    index,
                    anti,
                    across,
                    min,
                    replicas,
                    spreadStrategy,
                    spreadStrategy ? w.spread() : 0,
                    allowed,
                    latency,
                    energy,
                    pinnedPerSite,
                    pinnedPerNode);
        }
    }
}
