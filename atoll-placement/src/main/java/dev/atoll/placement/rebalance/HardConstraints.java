package dev.atoll.placement.rebalance;

import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.NodeDecision;
import dev.atoll.placement.NodeRequest;
import dev.atoll.placement.NodeSelector;
import dev.atoll.placement.NodeState;
import dev.atoll.placement.SiteDecision;
import dev.atoll.placement.SiteRequest;
import dev.atoll.placement.SiteSelector;
import dev.atoll.placement.SiteSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an instance may move to a node, decided by the same filters that placed it: the target
 * site must pass {@link SiteSelector} (jurisdiction, country, pins, avoided sites, anti-affinity
 * and spread across sites, latency bounds of {@code nearUsers}, required tags) and the target node
 * must pass {@link NodeSelector} (ready, driver, tenant networks, slots, cpu, memory, tags,
 * anti-affinity and spread across nodes), both judged as if the instance had already left where it
 * runs. There is no second copy of the rules to drift from the first.
 */
public final class HardConstraints {
    private HardConstraints() {}

    /**
     * Why {@code instance} may not move to {@code targetNodeId} in {@code layout}, in the words of
     * the selectors' explanations; empty when it may.
     */
    public static Optional<String> whyNot(
            CloudLayout layout, PlacedInstance instance, String targetNodeId, LatencyModel latency) {
        if (targetNodeId.equals(instance.nodeId())) return Optional.of("already there");
        NodeInfo target = layout.node(targetNodeId);
        String site = target.site();
        var service = instance.service();
        List<PlacedInstance> replicas = layout.replicasOf(instance.id());

        // The service's replicas, without the one that moves.
        Map<String, Integer> perSite = new HashMap<>();
        Map<String, Integer> perNodeHere = new HashMap<>();
        Set<String> nodesElsewhere = new HashSet<>();
        for (PlacedInstance r : replicas) {
            if (r.id().equals(instance.id())) continue;
            perSite.merge(r.at().site(), 1, Integer::sum);
            if (r.at().site().equals(site)) perNodeHere.merge(r.at().node(), 1, Integer::sum);
            else nodesElsewhere.add(r.nodeId());
        }

        List<NodeState> states = new ArrayList<>();
        NodeState targetState = null;
        for (NodeState s : layout.nodeStates(site)) {
            NodeState state = s.info().id().equals(instance.nodeId()) ? s.withReleased(instance.resources()) : s;
            states.add(state);
            if (s.info().id().equals(targetNodeId)) targetState = state;
        }
        SiteSummary summary = new SiteSummary(
                layout.site(site),
                true,
                states.stream().map(NodeState::capacity).toList());
        SiteDecision siteDecision =
                SiteSelector.select(new SiteRequest(service, List.of(summary), perSite, 1, Set.of(), latency, 0));
        if (siteDecision instanceof SiteDecision.NoSite noSite) return Optional.of(reason(noSite.why()));

        NodeDecision nodeDecision = NodeSelector.select(new NodeRequest(
                service, layout.site(site), List.of(targetState), perNodeHere, 1, nodesElsewhere.size(), 0));
        if (nodeDecision instanceof NodeDecision.NoFit noFit) return Optional.of(reason(noFit.why()));
        return Optional.empty();
    }

    public static boolean allows(
            CloudLayout layout, PlacedInstance instance, String targetNodeId, LatencyModel latency) {
        return whyNot(layout, instance, targetNodeId, latency).isEmpty();
    }

    /**
     * Every instance of the layout checked where it runs, as if it were placed there again: the
     * reasons found, one line per instance that breaks a rule or node that is over-committed. Used
     * as the invariant after every step of a rebalancing run. Pinned replicas elsewhere are judged
     * by their own site, not here; they count as the other replicas beside the instances judged.
     */
    public static List<String> violations(CloudLayout layout, LatencyModel latency) {
        List<String> out = new ArrayList<>();
        for (NodeInfo n : layout.nodes()) {
            if (layout.overCommitted(n.id()))
                out.add(n.id() + " over-committed: " + layout.allocated(n.id()) + " allocated, "
                        + layout.instancesOn(n.id()).size() + " instances, capacity " + n.capacity() + " and "
                        + n.instanceSlots() + " slots");
        }
        for (PlacedInstance i : layout.instances()) {
            String why = whereItRuns(layout, i, latency);
            if (why != null) out.add(i.id().display() + " on " + i.nodeId() + ": " + why);
        }
        return out;
    }

    /**
     * The rules of the instance's own service where it runs, capacity aside (counted per node):
     * whether its site and node would still be allowed for it beside the other replicas. A closed
     * node is judged as open, since instances may stay where a drain has not reached yet. Spread
     * is caught too: in a service that covers fewer domains than it asks while it has replicas
     * enough, some replica shares a domain it would be refused.
     */
    private static String whereItRuns(CloudLayout layout, PlacedInstance instance, LatencyModel latency) {
        var service = instance.service();
        String site = instance.at().site();
        Map<String, Integer> perSite = new HashMap<>();
        Map<String, Integer> perNodeHere = new HashMap<>();
        Set<String> nodesElsewhere = new HashSet<>();
        for (PlacedInstance r : layout.replicasOf(instance.id())) {
            if (r.id().equals(instance.id())) continue;
            perSite.merge(r.at().site(), 1, Integer::sum);
            if (r.at().site().equals(site)) perNodeHere.merge(r.at().node(), 1, Integer::sum);
            else nodesElsewhere.add(r.nodeId());
        }
        // As if empty but for the instance's own needs: capacity is judged per node above.
        NodeInfo info = layout.node(instance.nodeId());
        NodeState alone = new NodeState(info, dev.atoll.model.Resources.ZERO, 0, true);
        // Every node of the site, empty: the site-level rules count nodes (anti-affinity across nodes).
        List<dev.atoll.placement.NodeCapacity> empties = new ArrayList<>();
        for (NodeInfo n : layout.nodesOf(site)) empties.add(NodeState.empty(n).capacity());
        SiteSummary summary = new SiteSummary(layout.site(site), true, empties);
        SiteDecision siteDecision =
                SiteSelector.select(new SiteRequest(service, List.of(summary), perSite, 1, Set.of(), latency, 0));
        if (siteDecision instanceof SiteDecision.NoSite noSite) return reason(noSite.why());
        NodeDecision nodeDecision = NodeSelector.select(
                new NodeRequest(service, layout.site(site), List.of(alone), perNodeHere, 1, nodesElsewhere.size(), 0));
        if (nodeDecision instanceof NodeDecision.NoFit noFit) return reason(noFit.why());
        return null;
    }

    /**
     * Whether a replica of {@code service} may run on {@code node} at all, whatever else runs there
     * and wherever its other replicas are: the rules of site and node selection on an empty node
     * (jurisdiction, country, pins, avoided sites, latency bounds, tags, driver, tenant networks,
     * its size against the node's whole capacity). The optimizer's solver checks these once per
     * service and node; capacity, anti-affinity and spread it checks as the layout changes.
     */
    public static boolean allowsStatically(
            dev.atoll.model.spec.ServiceSpec service, SiteInfo site, NodeInfo node, LatencyModel latency) {
        NodeState empty = NodeState.empty(node);
        SiteSummary summary = new SiteSummary(site, true, List.of(empty.capacity()));
        SiteDecision siteDecision =
                SiteSelector.select(new SiteRequest(service, List.of(summary), Map.of(), 1, Set.of(), latency, 0));
        if (siteDecision instanceof SiteDecision.NoSite) return false;
        return NodeSelector.select(new NodeRequest(service, site, List.of(empty), Map.of(), 1, 0, 0))
                instanceof NodeDecision.Chosen;
    }

    private static String reason(dev.atoll.placement.Explanation why) {
        return why.primary().map(dev.atoll.placement.Explanation.Reason::text).orElse(why.toString());
    }

    static Assignment assignment(String nodeId) {
        int slash = nodeId.indexOf('/');
        return new Assignment(nodeId.substring(0, slash), nodeId.substring(slash + 1));
    }
}
