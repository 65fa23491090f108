package dev.atoll.bench.rebalance;

import java.util.OptionalLong;

/**
 * One run of one scenario under one strategy.
 *
 * @param resolvedAfterSeconds simulated seconds from the event until no node was overloaded and
 *     no drained node held an instance; empty when that never happened within the horizon (and for
 *     user movement, which has no such end)
 * @param moves moves completed
 * @param crossSiteMoves of them, between sites
 * @param abortedMoves moves that no longer kept the constraints when they were to complete, so
 *     were not made
 * @param decideMillis wall time spent deciding (the only figure that is not simulated)
 * @param stillBad nodes overloaded or drained-but-not-empty at the end
 * @param violations hard-constraint violations seen after any step, by the independent checker and
 *     by the placement filters (must be 0)
 * @param firstViolation what the first one was, for the report
 * @param userLatencyBeforeMs population-weighted mean RTT from users to their nearest replica, at
 *     the event
 * @param userLatencyAfterMs the same at the end
 * @param replicaLatencyBeforeMs the mean over replicas of the RTT to their own service's users (what
 *     the optimizer's latency term counts), at the event
 * @param replicaLatencyAfterMs the same at the end
 */
public record RunResult(
        Scenario scenario,
        Strategy strategy,
        OptionalLong resolvedAfterSeconds,
        int moves,
        int crossSiteMoves,
        int abortedMoves,
        long decideMillis,
        int stillBad,
        int violations,
        String firstViolation,
        double userLatencyBeforeMs,
        double userLatencyAfterMs,
        double replicaLatencyBeforeMs,
        double replicaLatencyAfterMs) {}
