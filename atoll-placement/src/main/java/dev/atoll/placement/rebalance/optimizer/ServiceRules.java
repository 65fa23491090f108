package dev.atoll.placement.rebalance.optimizer;

/**
 * What the solver's constraints need of one service: anti-affinity, spread, strategy, and which
 * nodes it may use at all ({@code allowed}, by node index, worked out once by the placement filters).
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
            long[] energyBySite) {
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
