package dev.atoll.placement.rebalance;

import dev.atoll.model.Resources;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.LatencyModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cooperative neighbour scheduling, as in DVMS: an event at one node (overload, drain) is resolved
 * inside a small partition grown around it, with no global coordinator.
 *
 * <p>The partition starts at the event's node and grows one neighbour at a time: the other nodes of
 * the same site first (in a seeded order, as a ring of peers would meet them), then the nodes of
 * the other sites, site by site, nearest first by RTT from the event's site. A neighbour with
 * nothing to give declines and does not join: no headroom, or none of the instances that must
 * leave may run on it at all (driver, tags, jurisdiction, latency bounds). A node another partition holds is passed by (the
 * partition grows around it); closed nodes and nodes with events of their own are passed by too.
 * Each time the partition's headroom (capacity under the overload limits, on nodes that can still
 * take instances) covers what must leave, moves are worked out inside it; the first partition whose
 * moves resolve the event is the answer. Partitions are bounded ({@code maxPartitionNodes}).
 *
 * <p>Moves: the instances of the event's node in the order that frees the most with the fewest
 * moves (the largest estimated use first), each to the partition node that the hard constraints
 * allow ({@link HardConstraints}), that stays under its own overload limits with it, same site
 * first (no wide-area copy), then the most headroom left; until the node is under its limits
 * (overload) or empty (drain).
 */
public final class NeighbourScheduler {
    private final OverloadPolicy policy;
    private final LatencyModel latency;
    private final int maxPartitionNodes;

    public NeighbourScheduler(OverloadPolicy policy, LatencyModel latency, int maxPartitionNodes) {
        if (maxPartitionNodes < 2)
            throw new IllegalArgumentException("a partition needs at least 2 nodes, got " + maxPartitionNodes);
        this.policy = policy;
        this.latency = latency;
        this.maxPartitionNodes = maxPartitionNodes;
    }

    /** The decisions for several events, and the registry holding the partitions of those resolved. */
    public record Round(List<Resolution> resolutions, PartitionRegistry registry) {
        public Round {
            resolutions = List.copyOf(resolutions);
        }

        public List<Move> moves() {
            List<Move> all = new ArrayList<>();
            for (Resolution r : resolutions) if (r instanceof Resolution.Resolved ok) all.addAll(ok.moves());
            return all;
        }
    }

    /**
     * Resolves events one after the other, each against the registry the previous left: partitions
     * of one round never overlap, so their moves can run at the same time. Each event also sees the
     * moves decided before it (they change where replicas of a shared service are).
     */
    public Round resolveAll(
            List<? extends NodeEvent> events, CloudLayout layout, Loads loads, PartitionRegistry registry, long seed) {
        Set<String> eventNodes = new HashSet<>();
        for (NodeEvent e : events) eventNodes.add(e.nodeId());
        List<Resolution> out = new ArrayList<>();
        CloudLayout current = layout;
        for (NodeEvent event : events) {
            Resolution r = resolve(event, current, loads, registry, eventNodes, seed);
            out.add(r);
            if (r instanceof Resolution.Resolved ok) {
                registry = registry.reserve(ok.partition());
                current = current.applyAll(ok.moves());
            }
        }
        return new Round(out, registry);
    }

    /** One event; {@code otherEvents} are nodes that must not receive instances (their own events). */
    public Resolution resolve(
            NodeEvent event,
            CloudLayout layout,
            Loads loads,
            PartitionRegistry registry,
            Set<String> otherEvents,
            long seed) {
        String origin = event.nodeId();
        String owner = owner(event);
        if (registry.heldByOther(origin, owner))
            return new Resolution.Waiting(event, Set.of(registry.owners().get(origin)));
        CloudLayout work = event instanceof NodeEvent.Drain ? layout.closing(Set.of(origin)) : layout;

        Resources toShed = toShed(event, work, loads);
        List<String> partition = new ArrayList<>(List.of(origin));
        Set<String> blockedBy = new TreeSet<>();
        Attempt last = null;
        int declinedFull = 0;
        int declinedUnfit = 0;
        long headroomCpu = 0;
        long headroomMemory = 0;
        List<List<String>> growth = neighbours(work, origin, seed);
        for (List<String> step : growth) {
            boolean grew = false;
            for (String node : step) {
                if (partition.size() >= maxPartitionNodes) break;
                if (registry.heldByOther(node, owner)) {
                    blockedBy.add(registry.owners().get(node));
                    continue;
                }
                if (work.closedNodes().contains(node) || otherEvents.contains(node)) continue;
                // A neighbour with nothing to give declines: no room under its limits, or none of
                // the instances that must leave may run on it at all (driver, tags, jurisdiction).
                Resources room = headroom(work, loads, node);
                if (room.cpuMillis() == 0 || room.memoryBytes() == 0) {
                    declinedFull++;
                    continue;
                }
                if (!couldTakeAny(work, origin, node)) {
                    declinedUnfit++;
                    continue;
                }
                partition.add(node);
                grew = true;
                headroomCpu += room.cpuMillis();
                headroomMemory += room.memoryBytes();
            }
            if (!grew) continue;
            // Worth working out moves only once the partition could hold what must leave.
            if (headroomCpu < toShed.cpuMillis() || headroomMemory < toShed.memoryBytes()) continue;
            last = plan(event, work, loads, partition);
            if (last.resolves)
                return new Resolution.Resolved(event, new Partition(owner, origin, partition), last.moves);
            if (partition.size() >= maxPartitionNodes) break;
        }
        if (!blockedBy.isEmpty()) return new Resolution.Waiting(event, blockedBy);
        if ((last == null || last.moves.isEmpty()) && partition.size() > 1) last = plan(event, work, loads, partition);
        if (last == null || (last.moves.isEmpty() && partition.size() == 1)) {
            last = new Attempt(
                    List.of(),
                    false,
                    "no neighbour can take any of its instances: " + declinedFull + " without room under their limits, "
                            + declinedUnfit + " where none of them may run (driver, tags, jurisdiction, latency)");
        }
        return new Resolution.Unresolvable(event, new Partition(owner, origin, partition), last.moves, last.why);
    }

    /** Whether some instance of {@code origin} may run on {@code node} at all (capacity aside). */
    private boolean couldTakeAny(CloudLayout layout, String origin, String node) {
        NodeInfo info = layout.node(node);
        SiteInfo site = layout.site(info.site());
        Set<String> seen = new HashSet<>();
        for (PlacedInstance i : layout.instancesOn(origin)) {
            if (!seen.add(i.serviceKey())) continue;
            if (HardConstraints.allowsStatically(i.service(), site, info, latency)) return true;
        }
        return false;
    }

    public static String owner(NodeEvent event) {
        return switch (event) {
            case NodeEvent.Overload o -> "overload:" + o.nodeId();
            case NodeEvent.Drain d -> "drain:" + d.nodeId();
        };
    }

    private record Attempt(List<Move> moves, boolean resolves, String why) {}

    /** What must leave the origin: its excess over the limits, or everything on a drain. */
    private Resources toShed(NodeEvent event, CloudLayout layout, Loads loads) {
        return switch (event) {
            case NodeEvent.Overload o -> loads.onNode(layout, o.nodeId()).minusClamped(limit(layout.node(o.nodeId())));
            case NodeEvent.Drain d -> loads.onNode(layout, d.nodeId());
        };
    }

    private Resources limit(NodeInfo node) {
        return new Resources(
                policy.cpuLimitMillis(node.capacity().cpuMillis()),
                policy.memoryLimitBytes(node.capacity().memoryBytes()));
    }

    /** What a node can take before it is over its overload limits or its capacity. */
    private Resources headroom(CloudLayout layout, Loads loads, String nodeId) {
        NodeInfo node = layout.node(nodeId);
        Resources byUse = limit(node).minusClamped(loads.onNode(layout, nodeId));
        Resources byAllocation = node.capacity().minusClamped(layout.allocated(nodeId));
        return new Resources(
                Math.min(byUse.cpuMillis(), byAllocation.cpuMillis()),
                Math.min(byUse.memoryBytes(), byAllocation.memoryBytes()));
    }

    /**
     * The order the partition may grow in: each inner list is one growth step. One node a step,
     * the same site's first, then each other site's, nearest site first: a partition takes no
     * more of a site than it needs, so other events nearby can still grow into the rest.
     */
    private List<List<String>> neighbours(CloudLayout layout, String origin, long seed) {
        NodeInfo originNode = layout.node(origin);
        SiteInfo home = layout.site(originNode.site());
        List<List<String>> steps = new ArrayList<>();
        for (NodeInfo n : seeded(layout.nodesOf(home.name()), seed))
            if (!n.id().equals(origin)) steps.add(List.of(n.id()));
        List<SiteInfo> others = new ArrayList<>();
        for (SiteInfo s : layout.sites()) if (!s.name().equals(home.name())) others.add(s);
        // The home site's own RTT measurements where the model has them (gossip measures them from
        // the placing site), the distance estimate elsewhere.
        UserRegion atHome = new UserRegion(home.name(), home.location(), Optional.empty());
        Map<String, Double> rtt = new HashMap<>();
        for (SiteInfo s : others) rtt.put(s.name(), latency.rttMs(s, atHome));
        others.sort(
                Comparator.comparingDouble((SiteInfo s) -> rtt.get(s.name())).thenComparing(SiteInfo::name));
        for (SiteInfo s : others) {
            for (NodeInfo n : seeded(layout.nodesOf(s.name()), seed)) steps.add(List.of(n.id()));
        }
        return steps;
    }

    private static List<NodeInfo> seeded(List<NodeInfo> nodes, long seed) {
        List<NodeInfo> out = new ArrayList<>(nodes);
        out.sort(Comparator.comparingLong((NodeInfo n) -> Seeds.tieBreak(seed, n.id()))
                .thenComparing(NodeInfo::id));
        return out;
    }

    /** Moves inside {@code partition} that resolve the event, or as many as help. */
    private Attempt plan(NodeEvent event, CloudLayout layout, Loads loads, List<String> partition) {
        String origin = event.nodeId();
        String home = layout.node(origin).site();
        NodeInfo originNode = layout.node(origin);
        Resources limit = limit(originNode);
        List<PlacedInstance> candidates = new ArrayList<>(layout.instancesOn(origin));
        Resources shed = toShed(event, layout, loads);
        // The instance that frees most of what is over first; on a drain, the largest first (the
        // hardest to fit go while there is most room).
        candidates.sort(Comparator.comparingDouble((PlacedInstance i) -> -relief(loads.of(i.id()), shed))
                .thenComparing(i -> i.id().key()));
        CloudLayout work = layout;
        List<Move> moves = new ArrayList<>();
        String stuck = null;
        for (PlacedInstance candidate : candidates) {
            if (event instanceof NodeEvent.Overload
                    && loads.onNode(work, origin).fitsIn(limit)) break;
            PlacedInstance inst = work.instance(candidate.id());
            String best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            String firstReason = null;
            for (int p = 1; p < partition.size(); p++) {
                String node = partition.get(p);
                var why = HardConstraints.whyNot(work, inst, node, latency);
                if (why.isPresent()) {
                    if (firstReason == null) firstReason = node + " " + why.get();
                    continue;
                }
                NodeInfo target = work.node(node);
                Resources after = loads.onNode(work, node).plus(loads.of(inst.id()));
                Resources targetLimit = limit(target);
                if (!after.fitsIn(targetLimit)) {
                    if (firstReason == null) firstReason = node + " would be overloaded";
                    continue;
                }
                double spare = Math.min(
                        1 - share(after.cpuMillis(), targetLimit.cpuMillis()),
                        1 - share(after.memoryBytes(), targetLimit.memoryBytes()));
                double score = (target.site().equals(home) ? 1 : 0) + spare;
                if (score > bestScore) {
                    best = node;
                    bestScore = score;
                }
            }
            if (best == null) {
                if (stuck == null)
                    stuck = inst.id().display() + " fits no node of the partition"
                            + (firstReason == null ? "" : " (first: " + firstReason + ")");
                continue;
            }
            Move move = new Move(inst.id(), inst.at(), HardConstraints.assignment(best), event.reason());
            moves.add(move);
            work = work.apply(move);
        }
        boolean resolves =
                switch (event) {
                    case NodeEvent.Overload o -> loads.onNode(work, origin).fitsIn(limit);
                    case NodeEvent.Drain d -> work.instancesOn(origin).isEmpty();
                };
        String why = resolves ? "" : stuck != null ? stuck : "the partition has too little room";
        return new Attempt(moves, resolves, why);
    }

    private static double relief(Resources use, Resources shed) {
        double cpu = shed.cpuMillis() == 0 ? 0 : (double) use.cpuMillis() / shed.cpuMillis();
        double memory = shed.memoryBytes() == 0 ? 0 : (double) use.memoryBytes() / shed.memoryBytes();
        return Math.max(cpu, memory);
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 1 : (double) part / whole;
    }
}
