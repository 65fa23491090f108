package dev.atoll.control.rebalance;

import dev.atoll.placement.rebalance.OverloadPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How a site's rebalancer runs.
 *
 * @param enabled whether the site looks for overloaded nodes at all; off by default, so that a
 *     cloud moves nothing its users did not ask for until an operator turns it on
 * @param policy when a node counts as overloaded (share of its capacity, for how long)
 * @param period how often the site looks
 * @param maxPartitionNodes the most nodes one event's partition may grow to (DVMS)
 * @param nearestSites how many other sites, nearest first by RTT, a partition may grow into
 * @param partitionHold how long a partition stays held at most once its moves were asked for (a
 *     move that ends sooner releases it sooner); longer than the mover's own timeout
 */
public record RebalanceSettings(
        boolean enabled,
        OverloadPolicy policy,
        Duration period,
        int maxPartitionNodes,
        int nearestSites,
        Duration partitionHold) {
    /** Nothing moves by itself. */
    public static final RebalanceSettings OFF =
            new RebalanceSettings(false, OverloadPolicy.DEFAULT, Duration.ofSeconds(5), 8, 3, Duration.ofSeconds(90));

    /** On, with the default policy: 85% cpu or 90% memory for a minute, looked at every 5 s. */
    public static final RebalanceSettings ON = OFF.enabled(true);

    public RebalanceSettings {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(partitionHold, "partitionHold");
        if (period.toMillis() < 10) throw new IllegalArgumentException("period must be 10ms or more, got " + period);
        if (maxPartitionNodes < 2)
            throw new IllegalArgumentException("maxPartitionNodes must be 2 or more, got " + maxPartitionNodes);
        if (nearestSites < 0) throw new IllegalArgumentException("nearestSites must be 0 or more, got " + nearestSites);
        if (partitionHold.toMillis() < 1)
            throw new IllegalArgumentException("partitionHold must be positive, got " + partitionHold);
    }

    public RebalanceSettings enabled(boolean on) {
        return new RebalanceSettings(on, policy, period, maxPartitionNodes, nearestSites, partitionHold);
    }

    public RebalanceSettings withPolicy(OverloadPolicy p) {
        return new RebalanceSettings(enabled, p, period, maxPartitionNodes, nearestSites, partitionHold);
    }

    public RebalanceSettings withPeriod(Duration d) {
        return new RebalanceSettings(enabled, policy, d, maxPartitionNodes, nearestSites, partitionHold);
    }
}
