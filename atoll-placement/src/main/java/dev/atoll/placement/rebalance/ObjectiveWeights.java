package dev.atoll.placement.rebalance;

/**
 * How much each soft term of the background optimizer's objective weighs. Each term is in its own
 * unit (latency: ms of mean RTT per instance to its users; spread: replicas sharing a node with
 * another of their service; energy: {@link SiteEnergy} units; moves: instances moved), so a weight
 * says what one unit of the term is worth against the others: with the defaults, one move must buy
 * at least 20 ms of user latency, or a freed node, to be worth making.
 */
public record ObjectiveWeights(long latency, long spread, long energy, long moves) {
    public static final ObjectiveWeights DEFAULT = new ObjectiveWeights(1, 20, 1, 20);

    public ObjectiveWeights {
        if (latency < 0 || spread < 0 || energy < 0 || moves < 0)
            throw new IllegalArgumentException("weights must be 0 or more");
    }
}
