package dev.atoll.bench.peer.timefold;

/**
 * What the constraints need of one service: its size per replica, how many sites it must cover,
 * and which nodes it may use (jurisdiction, latency bound and driver, precomputed).
 */
public final class ServiceFacts {
    public final int index;
    public final long cpuMillis;
    public final long memoryBytes;
    public final int minSites;
    private final boolean[] allowedNodes;

    public ServiceFacts(int index, long cpuMillis, long memoryBytes, int minSites, boolean[] allowedNodes) {
        this.index = index;
        this.cpuMillis = cpuMillis;
        this.memoryBytes = memoryBytes;
        this.minSites = minSites;
        this.allowedNodes = allowedNodes.clone();
    }

    public boolean allows(HostNode node) {
        return allowedNodes[node.index()];
    }
}
