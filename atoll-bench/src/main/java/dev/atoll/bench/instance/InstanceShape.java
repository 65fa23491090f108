package dev.atoll.bench.instance;

/**
 * How big a placement instance to generate.
 *
 * @param instances replicas to place, over all services
 * @param nodes nodes over all sites, spread evenly (the first sites get one more when they do not
 *     divide)
 * @param sites sites, in real cities; past 100 the cities repeat
 * @param seed everything random comes from it: the same shape gives the same instance
 * @param cpuLoad the share of the cloud's cpu the instances ask for; nodes are sized for it in whole
 *     cores, so the share reached is near it rather than exactly it
 */
public record InstanceShape(int instances, int nodes, int sites, long seed, double cpuLoad) {
    /**
     * Room for the constraints to bite without making the instance infeasible: services crowd the
     * sites near their users and inside their jurisdictions, so some sites run much fuller.
     */
    public static final double DEFAULT_CPU_LOAD = 0.6;

    public static final int MAX_INSTANCES = 10_000_000;
    public static final int MAX_NODES = 1_000_000;
    public static final int MAX_SITES = 10_000;

    public InstanceShape {
        if (instances < 1 || instances > MAX_INSTANCES)
            throw new IllegalArgumentException(
                    "instances must be between 1 and " + MAX_INSTANCES + ", got " + instances);
        if (sites < 1 || sites > MAX_SITES)
            throw new IllegalArgumentException("sites must be between 1 and " + MAX_SITES + ", got " + sites);
        if (nodes < sites || nodes > MAX_NODES)
            throw new IllegalArgumentException(
                    "nodes must be between the number of sites (" + sites + ") and " + MAX_NODES + ", got " + nodes);
        if (!(cpuLoad >= 0.05 && cpuLoad <= 1.0))
            throw new IllegalArgumentException("cpu load must be between 0.05 and 1, got " + cpuLoad);
    }

    /** A shape at the {@link #DEFAULT_CPU_LOAD}. */
    public InstanceShape(int instances, int nodes, int sites, long seed) {
        this(instances, nodes, sites, seed, DEFAULT_CPU_LOAD);
    }

    @Override
    public String toString() {
        return String.format(
                "%,d instances onto %,d nodes in %,d sites (seed %d, cpu load %.2f)",
                instances, nodes, sites, seed, cpuLoad);
    }
}
