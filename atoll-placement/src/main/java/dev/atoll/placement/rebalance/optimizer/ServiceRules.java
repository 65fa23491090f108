package dev.atoll.placement.rebalance.optimizer;

import java.util.Map;
import java.util.Set;

/**
 * What the solver's constraints need of one service: anti-affinity, spread, strategy, which nodes
 * it may use at all ({@code allowed}, by node index, worked out once by the placement filters), and
 * where its pinned replicas elsewhere run ({@code pinnedPerSite} and {@code pinnedPerNode}, by site
 * and node key: the index of a site or node of the layout, or a key after them for one outside it).
 */
public final class ServiceRules {
    public static final int NONE = 0;
    public static final int NODE = 1;
    public static final int SITE = 2;

    public final int index;
    /** {@link #NONE}, {@link #NODE} or {@link #SITE}. */
    public final int antiAffinity;
    /** {@link #NONE}, {@link #NODE} or {@link #SITE}. */
    public final int spreadAcross;

    public final int minDomains;
    public final int replicas;
    public final boolean spreadStrategy;
    /** What one replica sharing a node with another costs, weight applied; 0 unless spread strategy. */
    public final long spreadCost;

    private final boolean[] allowed;
    /**
     * Per site index, weights applied: the mean RTT to the users (ms); the energy cost of one
     * replica.
     */
    private final long[] latencyBySite;

    private final long[] energyBySite;

    private final Map<Integer, Integer> pinnedPerSite;
    private final Map<Integer, Integer> pinnedPerNode;

    public ServiceRules(
            int index,
            int antiAffinity,
            int spreadAcross,
            int minDomains,
            int replicas,
            boolean spreadStrategy,
            long spreadCost,
            boolean[] allowed,
            long[] latencyBySite,
            long[] energyBySite,
            Map<Integer, Integer> pinnedPerSite,
            Map<Integer, Integer> pinnedPerNode) {
        this.index = index;
        this.antiAffinity = antiAffinity;
        this.spreadAcross = spreadAcross;
        this.minDomains = minDomains;
        this.replicas = replicas;
        this.spreadStrategy = spreadStrategy;
        this.spreadCost = spreadCost;
        this.allowed = allowed.clone();
        this.latencyBySite = latencyBySite.clone();
        this.energyBySite = energyBySite.clone();
        this.pinnedPerSite = Map.copyOf(pinnedPerSite);
        this.pinnedPerNode = Map.copyOf(pinnedPerNode);
    }

    /** Pinned replicas of the service on the site (key). */
    public int pinnedOnSite(int site) {
        return pinnedPerSite.getOrDefault(site, 0);
    }

    /** Pinned replicas of the service on the node (key). */
    public int pinnedOnNode(int node) {
        return pinnedPerNode.getOrDefault(node, 0);
    }

    /** Distinct sites covered by replicas on {@code sites} and by the pinned ones. */
    public int sitesCovered(Set<Integer> sites) {
        return union(sites, pinnedPerSite.keySet());
    }

    /** Distinct nodes covered by replicas on {@code nodes} and by the pinned ones. */
    public int nodesCovered(Set<Integer> nodes) {
        return union(nodes, pinnedPerNode.keySet());
    }

    private static int union(Set<Integer> movable, Set<Integer> pinned) {
        int n = pinned.size();
        for (Integer k : movable) if (!pinned.contains(k)) n++;
        return n;
    }

    public boolean allows(HostSlot node) {
        return allowed[node.index()];
    }

    public long latencyMs(HostSlot node) {
        return latencyBySite[node.site()];
    }

    public long energy(HostSlot node) {
        return energyBySite[node.site()];
    }

    /** Domains the service must cover: its minimum, or all its replicas when it has fewer. */
    public int domainsNeeded() {
        return Math.min(minDomains, replicas);
    }
}
