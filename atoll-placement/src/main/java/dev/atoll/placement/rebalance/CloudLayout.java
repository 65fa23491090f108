package dev.atoll.placement.rebalance;

import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.NodeState;
import dev.atoll.placement.SiteSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where every instance of a part of the cloud runs now: the sites, their nodes and the placed
 * instances. The input of every decider of moves. Immutable: {@link #apply} returns the layout
 * after a move, so a decider can try moves one after the other without touching its input. A class
 * rather than a record because it keeps its indexes (by node, by service) beside the data.
 *
 * <p>{@code closedNodes} are node ids ({@code site/node}) that take no new instance: not ready, or
 * being drained.
 *
 * <p>{@code pinned} are replicas known only by where they run, outside the part of the cloud the
 * layout holds (a site's plan sees its environments' replicas at other sites so): they count
 * among the replicas of their service ({@link #replicasOf}), so spread and anti-affinity judge the
 * other replicas beside them, but they take no room on any node of the layout, are not judged
 * themselves (their own site does that), and never move. Their nodes need not be in the layout.
 */
public final class CloudLayout {
    private final List<SiteInfo> sites;
    private final List<NodeInfo> nodes;
    private final Set<String> closedNodes;
    private final List<PlacedInstance> instances;
    private final List<PlacedInstance> pinned;
    private final Index index;

    public CloudLayout(
            List<SiteInfo> sites, List<NodeInfo> nodes, Set<String> closedNodes, List<PlacedInstance> instances) {
        this(sites, nodes, closedNodes, instances, List.of());
    }

    public CloudLayout(
            List<SiteInfo> sites,
            List<NodeInfo> nodes,
            Set<String> closedNodes,
            List<PlacedInstance> instances,
            List<PlacedInstance> pinned) {
        this.sites = List.copyOf(sites);
        this.nodes = List.copyOf(nodes);
        this.closedNodes = Set.copyOf(closedNodes);
        this.instances = List.copyOf(instances);
        this.pinned = List.copyOf(pinned);
        this.index = build();
    }

    public List<SiteInfo> sites() {
        return sites;
    }

    public List<NodeInfo> nodes() {
        return nodes;
    }

    public Set<String> closedNodes() {
        return closedNodes;
    }

    /** The instances placed in the layout: they take room on its nodes and may move. */
    public List<PlacedInstance> instances() {
        return instances;
    }

    /** Replicas elsewhere that count for their service's rules and never move (see the class). */
    public List<PlacedInstance> pinned() {
        return pinned;
    }

    /** The same layout with {@code replicas} as its pinned replicas elsewhere. */
    public CloudLayout withPinned(List<PlacedInstance> replicas) {
        return new CloudLayout(sites, nodes, closedNodes, instances, replicas);
    }

    /** Same sites, nodes, closed nodes, instances and pinned replicas in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof CloudLayout other
                && sites.equals(other.sites)
                && nodes.equals(other.nodes)
                && closedNodes.equals(other.closedNodes)
                && instances.equals(other.instances)
                && pinned.equals(other.pinned);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(sites, nodes, closedNodes, instances, pinned);
    }

    /** Indexes worked out once per layout. */
    private static final class Index {
        final Map<String, SiteInfo> sites = new LinkedHashMap<>();
        final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
        final Map<String, List<NodeInfo>> nodesBySite = new LinkedHashMap<>();
        final Map<String, List<PlacedInstance>> byNode = new HashMap<>();
        final Map<String, Resources> allocated = new HashMap<>();
        final Map<String, List<PlacedInstance>> byService = new LinkedHashMap<>();
        final Map<InstanceId, PlacedInstance> byId = new HashMap<>();
        final Set<InstanceId> pinnedIds = new java.util.HashSet<>();
    }

    private Index index() {
        return index;
    }

    private Index build() {
        Index ix = new Index();
        for (SiteInfo s : sites) {
            if (ix.sites.put(s.name(), s) != null) throw new IllegalArgumentException("site listed twice: " + s.name());
            ix.nodesBySite.put(s.name(), new ArrayList<>());
        }
        for (NodeInfo n : nodes) {
            List<NodeInfo> ofSite = ix.nodesBySite.get(n.site());
            if (ofSite == null) throw new IllegalArgumentException(n.id() + " is in no listed site");
            if (ix.nodes.put(n.id(), n) != null) throw new IllegalArgumentException("node listed twice: " + n.id());
            ofSite.add(n);
        }
        for (PlacedInstance i : instances) {
            String node = i.nodeId();
            if (!ix.nodes.containsKey(node))
                throw new IllegalArgumentException(i.id().display() + " runs on unknown node " + node);
            if (ix.byId.put(i.id(), i) != null)
                throw new IllegalArgumentException("instance listed twice: " + i.id().display());
            ix.byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(i);
            ix.allocated.merge(node, i.resources(), Resources::plus);
            ix.byService.computeIfAbsent(i.serviceKey(), k -> new ArrayList<>()).add(i);
        }
        for (PlacedInstance p : pinned) {
            if (ix.byId.containsKey(p.id()) || !ix.pinnedIds.add(p.id()))
                throw new IllegalArgumentException("instance listed twice: " + p.id().display());
            ix.byService.computeIfAbsent(p.serviceKey(), k -> new ArrayList<>()).add(p);
        }
        return ix;
    }

    public SiteInfo site(String name) {
        SiteInfo s = index().sites.get(name);
        if (s == null) throw new IllegalArgumentException("unknown site: " + name);
        return s;
    }

    public NodeInfo node(String nodeId) {
        NodeInfo n = index().nodes.get(nodeId);
        if (n == null) throw new IllegalArgumentException("unknown node: " + nodeId);
        return n;
    }

    public boolean hasNode(String nodeId) {
        return index().nodes.containsKey(nodeId);
    }

    public List<NodeInfo> nodesOf(String site) {
        return List.copyOf(index().nodesBySite.getOrDefault(site, List.of()));
    }

    public List<PlacedInstance> instancesOn(String nodeId) {
        return List.copyOf(index().byNode.getOrDefault(nodeId, List.of()));
    }

    /** The replicas of the service {@code id} belongs to (itself included), pinned ones among them. */
    public List<PlacedInstance> replicasOf(InstanceId id) {
        return List.copyOf(index().byService.getOrDefault(PlacedInstance.serviceKey(id), List.of()));
    }

    public Map<String, List<PlacedInstance>> services() {
        return java.util.Collections.unmodifiableMap(index().byService);
    }

    public boolean isPinned(InstanceId id) {
        return index().pinnedIds.contains(id);
    }

    /** An instance of the layout; a pinned replica is none (it cannot be moved). */
    public PlacedInstance instance(InstanceId id) {
        PlacedInstance i = index().byId.get(id);
        if (i == null && isPinned(id))
            throw new IllegalArgumentException(
                    id.display() + " is pinned where it runs: it never moves in this layout");
        if (i == null) throw new IllegalArgumentException("unknown instance: " + id.display());
        return i;
    }

    public Resources allocated(String nodeId) {
        return index().allocated.getOrDefault(nodeId, Resources.ZERO);
    }

    /** The node as its site knows it exactly; a closed node is not ready for new instances. */
    public NodeState nodeState(String nodeId) {
        NodeInfo info = node(nodeId);
        return new NodeState(
                info,
                allocated(nodeId),
                index().byNode.getOrDefault(nodeId, List.of()).size(),
                !closedNodes.contains(nodeId));
    }

    public List<NodeState> nodeStates(String site) {
        List<NodeState> out = new ArrayList<>();
        for (NodeInfo n : index().nodesBySite.getOrDefault(site, List.of())) out.add(nodeState(n.id()));
        return out;
    }

    /** The site as other sites see it in their summaries. */
    public SiteSummary summary(String site) {
        return new SiteSummary(
                site(site),
                true,
                nodeStates(site).stream().map(NodeState::capacity).toList());
    }

    /** Whether any node holds more than its cpu, memory or instance slots. */
    public boolean overCommitted(String nodeId) {
        NodeInfo info = node(nodeId);
        return !allocated(nodeId).fitsIn(info.capacity())
                || index().byNode.getOrDefault(nodeId, List.of()).size() > info.instanceSlots();
    }

    /** The layout after {@code move}; the instance must be where the move says it is. */
    public CloudLayout apply(Move move) {
        PlacedInstance current = instance(move.id());
        if (!current.at().equals(move.from()))
            throw new IllegalArgumentException(move.id().display() + " is on " + current.nodeId() + ", not on "
                    + move.from().site() + "/" + move.from().node());
        if (move.to().node() == null)
            throw new IllegalArgumentException(
                    "a layout can only apply a move to a node: " + move.id().display());
        if (!hasNode(move.to().site() + "/" + move.to().node()))
            throw new IllegalArgumentException(
                    "unknown node: " + move.to().site() + "/" + move.to().node());
        List<PlacedInstance> next = new ArrayList<>(instances.size());
        for (PlacedInstance i : instances) next.add(i.id().equals(move.id()) ? i.movedTo(move.to()) : i);
        return new CloudLayout(sites, nodes, closedNodes, next, pinned);
    }

    public CloudLayout applyAll(List<Move> moves) {
        CloudLayout layout = this;
        for (Move m : moves) layout = layout.apply(m);
        return layout;
    }

    /** The same layout with more nodes closed to new instances (a drain starting). */
    public CloudLayout closing(Set<String> nodeIds) {
        var closed = new java.util.HashSet<>(closedNodes);
        closed.addAll(nodeIds);
        return new CloudLayout(sites, nodes, closed, instances, pinned);
    }

    /** The same layout without {@code id}, as if it had stopped: what a move leaves behind. */
    CloudLayout without(InstanceId id) {
        List<PlacedInstance> next = new ArrayList<>(instances.size());
        for (PlacedInstance i : instances) if (!i.id().equals(id)) next.add(i);
        return new CloudLayout(sites, nodes, closedNodes, next, pinned);
    }

    public static Assignment at(NodeInfo node) {
        return new Assignment(node.site(), node.name());
    }
}
