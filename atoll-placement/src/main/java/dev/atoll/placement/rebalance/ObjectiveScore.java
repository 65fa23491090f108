package dev.atoll.placement.rebalance;

/**
 * The background optimizer's objective for one layout, term by term; lower is better in every term.
 *
 * @param hard hard-constraint violations ({@link HardConstraints#violations}): never more after a
 *     plan than before
 * @param draining instances still on closed nodes (being drained): they must leave, so this
 *     weighs right after the hard constraints
 * @param overload estimated use above the overload limits, summed over nodes (units of 100
 *     millicores plus units of 128 MiB)
 * @param latency mean RTT to the service's user regions, summed over instances, ms
 * @param spread replicas of {@code strategy: spread} services sharing a node with one of their own
 * @param energy {@link SiteEnergy} units: idle cost per node in use plus busy cores at their site's
 *     cost
 * @param moves instances not where they were
 */
public record ObjectiveScore(
        long hard, long draining, long overload, long latency, long spread, long energy, long moves) {
    /** The soft terms weighted and summed. */
    public long weightedSoft(ObjectiveWeights w) {
        return w.latency() * latency + w.spread() * spread + w.energy() * energy + w.moves() * moves;
    }

    /** Negative when this is better than {@code other}: hard, draining, overload, then soft. */
    public int compareTo(ObjectiveScore other, ObjectiveWeights w) {
        if (hard != other.hard) return Long.compare(hard, other.hard);
        if (draining != other.draining) return Long.compare(draining, other.draining);
        if (overload != other.overload) return Long.compare(overload, other.overload);
        return Long.compare(weightedSoft(w), other.weightedSoft(w));
    }
}
