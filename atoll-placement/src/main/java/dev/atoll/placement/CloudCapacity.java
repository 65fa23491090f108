package dev.atoll.placement;

import dev.atoll.model.Resources;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.model.topology.Topology;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact capacity of a whole cloud in memory: every site with its nodes and what is allocated
 * on them. Mutable and single-threaded; it is what the {@link Placer}, the benchmark and the
 * simulator place onto. Summaries and node lists are immutable snapshots, rebuilt only for the
 * site that changed, so a placement costs one node's worth of copying, not the cloud's.
 */
public final class CloudCapacity {
    private final Map<String, SiteSlot> sites = new LinkedHashMap<>();
    /** The slots in the order sites were added, so summaries are gathered without a map walk. */
    private SiteSlot[] slots = new SiteSlot[0];

    private List<SiteSummary> summaries;

    public static CloudCapacity of(Topology topology) {
        CloudCapacity cloud = new CloudCapacity();
        for (var site : topology.sites()) cloud.addSite(site.site(), site.nodes());
        return cloud;
    }

    /**
     * A cloud as a home site sees it in its summaries: each node's capacity is what it has free now,
     * so placing onto this copy works out what the real selectors would decide next, without
     * touching anything (placement previews).
     */
    public static CloudCapacity fromSummaries(List<SiteSummary> summaries) {
        CloudCapacity cloud = new CloudCapacity();
        for (SiteSummary summary : summaries) {
            String site = summary.name();
            cloud.addSite(
                    summary.site(),
                    summary.nodes().stream()
                            .map(n -> new NodeInfo(site, n.name(), n.free(), n.freeSlots(), n.drivers(), n.tags()))
                            .toList());
            for (NodeCapacity node : summary.nodes()) if (!node.ready()) cloud.setReady(site, node.name(), false);
            if (!summary.healthy()) cloud.setHealthy(site, false);
        }
        return cloud;
    }

    /** Adds a healthy site whose nodes are ready and empty. */
    public CloudCapacity addSite(SiteInfo site, List<NodeInfo> nodes) {
        if (sites.containsKey(site.name())) throw new IllegalArgumentException("site exists: " + site.name());
        SiteSlot slot = new SiteSlot(site, nodes);
        sites.put(site.name(), slot);
        slots = Arrays.copyOf(slots, slots.length + 1);
        slots[slots.length - 1] = slot;
        summaries = null;
        return this;
    }

    public List<String> siteNames() {
        return List.copyOf(sites.keySet());
    }

    public SiteInfo site(String name) {
        return slot(name).info;
    }

    public boolean healthy(String site) {
        return slot(site).healthy;
    }

    public void setHealthy(String site, boolean healthy) {
        slot(site).healthy = healthy;
        slot(site).summary = null;
        summaries = null;
    }

    public void setReady(String site, String node, boolean ready) {
        SiteSlot slot = slot(site);
        int i = slot.index(node);
        slot.update(i, slot.nodes[i].withReady(ready));
        summaries = null;
    }

    /** Records one more instance using {@code resources} on the node. */
    public void allocate(String site, String node, Resources resources) {
        SiteSlot slot = slot(site);
        int i = slot.index(node);
        slot.update(i, slot.nodes[i].withAllocated(resources));
        summaries = null;
    }

    /** Records that an instance using {@code resources} left the node. */
    public void release(String site, String node, Resources resources) {
        SiteSlot slot = slot(site);
        int i = slot.index(node);
        slot.update(i, slot.nodes[i].withReleased(resources));
        summaries = null;
    }

    public NodeState node(String site, String node) {
        SiteSlot slot = slot(site);
        return slot.nodes[slot.index(node)];
    }

    /** The exact state of a site's nodes, as its own leader sees it. */
    public List<NodeState> nodes(String site) {
        SiteSlot slot = slot(site);
        if (slot.nodeList == null) slot.nodeList = List.of(slot.nodes);
        return slot.nodeList;
    }

    /** Every site as other sites see it. */
    public List<SiteSummary> summaries() {
        if (summaries == null) {
            SiteSummary[] all = new SiteSummary[slots.length];
            for (int i = 0; i < all.length; i++) all[i] = slots[i].summary();
            summaries = List.of(all);
        }
        return summaries;
    }

    private SiteSlot slot(String site) {
        SiteSlot slot = sites.get(site);
        if (slot == null) throw new IllegalArgumentException("unknown site: " + site);
        return slot;
    }

    private static final class SiteSlot {
        final SiteInfo info;
        final NodeState[] nodes;
        final NodeCapacity[] capacities;
        final Map<String, Integer> byName = new HashMap<>();
        boolean healthy = true;
        // Kept as nodes change so a summary costs nothing to total.
        long freeCpu;
        long freeMemory;
        List<NodeState> nodeList;
        SiteSummary summary;

        SiteSlot(SiteInfo info, List<NodeInfo> nodeInfos) {
            this.info = info;
            this.nodes = new NodeState[nodeInfos.size()];
            this.capacities = new NodeCapacity[nodeInfos.size()];
            for (int i = 0; i < nodes.length; i++) {
                NodeInfo node = nodeInfos.get(i);
                if (!node.site().equals(info.name()))
                    throw new IllegalArgumentException(node.id() + " is not in site " + info.name());
                if (byName.put(node.name(), i) != null)
                    throw new IllegalArgumentException("node listed twice: " + node.id());
                nodes[i] = NodeState.empty(node);
                capacities[i] = nodes[i].capacity();
                count(capacities[i], 1);
            }
        }

        int index(String node) {
            Integer i = byName.get(node);
            if (i == null) throw new IllegalArgumentException("unknown node: " + info.name() + "/" + node);
            return i;
        }

        void update(int i, NodeState state) {
            count(capacities[i], -1);
            nodes[i] = state;
            capacities[i] = state.capacity();
            count(capacities[i], 1);
            nodeList = null;
            summary = null;
        }

        private void count(NodeCapacity node, int sign) {
            if (!node.ready()) return;
            freeCpu += sign * node.free().cpuMillis();
            freeMemory += sign * node.free().memoryBytes();
        }

        SiteSummary summary() {
            if (summary == null) {
                summary = new SiteSummary(info, healthy, List.of(capacities), new Resources(freeCpu, freeMemory));
            }
            return summary;
        }
    }
}
