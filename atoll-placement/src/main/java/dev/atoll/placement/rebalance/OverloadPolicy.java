package dev.atoll.placement.rebalance;

/**
 * When a node counts as overloaded: its measured cpu or memory use above a share of its capacity
 * for a whole window. The window keeps a short burst from moving anything.
 *
 * @param cpuThreshold share of the node's cpu, above which it is under pressure (0.85 = 85%)
 * @param memoryThreshold share of the node's memory, likewise
 * @param windowMillis how long the pressure must last
 */
public record OverloadPolicy(double cpuThreshold, double memoryThreshold, long windowMillis) {
    /** 85% cpu or 90% memory for a minute. */
    public static final OverloadPolicy DEFAULT = new OverloadPolicy(0.85, 0.90, 60_000);

    public OverloadPolicy {
        if (!(cpuThreshold > 0 && cpuThreshold <= 1))
            throw new IllegalArgumentException("cpuThreshold must be in (0, 1], got " + cpuThreshold);
        if (!(memoryThreshold > 0 && memoryThreshold <= 1))
            throw new IllegalArgumentException("memoryThreshold must be in (0, 1], got " + memoryThreshold);
        if (windowMillis < 0) throw new IllegalArgumentException("windowMillis must be 0 or more, got " + windowMillis);
    }

    public long cpuLimitMillis(long capacityMillis) {
        return (long) Math.floor(capacityMillis * cpuThreshold);
    }

    public long memoryLimitBytes(long capacityBytes) {
        return (long) Math.floor(capacityBytes * memoryThreshold);
    }
}
