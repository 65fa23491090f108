package dev.atoll.bench.peer.timefold;

import static ai.timefold.solver.core.api.score.stream.ConstraintCollectors.count;
import static ai.timefold.solver.core.api.score.stream.ConstraintCollectors.countDistinct;
import static ai.timefold.solver.core.api.score.stream.ConstraintCollectors.min;
import static ai.timefold.solver.core.api.score.stream.ConstraintCollectors.sum;

import ai.timefold.solver.core.api.score.HardMediumSoftScore;
import ai.timefold.solver.core.api.score.stream.Constraint;
import ai.timefold.solver.core.api.score.stream.ConstraintFactory;
import ai.timefold.solver.core.api.score.stream.ConstraintProvider;
import ai.timefold.solver.core.api.score.stream.Joiners;

/**
 * The placement rules as constraint streams.
 *
 * <p>Hard: no node over its cpu, memory or instance slots (weighted by how far over: 1 per 100
 * millicores, per 128 MiB, per slot); no replica on a node its service may not use (10 each, so
 * moving off a forbidden node is worth a small overflow); every service over at least its
 * minimum of sites (10 per missing site). Medium: every replica placed (1 each). Soft: users near
 * a replica (the RTT from each user region to the service's nearest replica, times its weight),
 * and few nodes used ({@link #NODE_COST} each).
 */
public class PlacementConstraints implements ConstraintProvider {
    /** A node used costs as much as 100 ms of latency for a region of 100,000 people. */
    static final long NODE_COST = 100;

    private static final long MI_128 = 128L << 20;

    @Override
    public Constraint[] defineConstraints(ConstraintFactory factory) {
        return new Constraint[] {
            nodeCapacity(factory),
            allowedNodes(factory),
            spreadAcrossSites(factory),
            everyReplicaPlaced(factory),
            usersNearReplicas(factory),
            fewNodes(factory)
        };
    }

    Constraint nodeCapacity(ConstraintFactory factory) {
        return factory.forEach(Replica.class)
                .groupBy(
                        Replica::getNode,
                        sum((Replica r) -> r.getService().cpuMillis),
                        sum((Replica r) -> r.getService().memoryBytes),
                        count())
                .filter((node, cpu, memory, replicas) ->
                        cpu > node.cpuMillis() || memory > node.memoryBytes() || replicas > node.slots())
                .penalize(
                        HardMediumSoftScore.ONE_HARD,
                        (node, cpu, memory, replicas) -> ceilDiv(Math.max(0, cpu - node.cpuMillis()), 100)
                                + ceilDiv(Math.max(0, memory - node.memoryBytes()), MI_128)
                                + Math.max(0, replicas - node.slots()))
                .asConstraint("node capacity");
    }

    Constraint allowedNodes(ConstraintFactory factory) {
        return factory.forEach(Replica.class)
                .filter(r -> !r.getService().allows(r.getNode()))
                .penalize(HardMediumSoftScore.ofHard(10))
                .asConstraint("allowed node (jurisdiction and latency bound and driver)");
    }

    Constraint spreadAcrossSites(ConstraintFactory factory) {
        return factory.forEach(Replica.class)
                .groupBy(
                        Replica::getService,
                        countDistinct((Replica r) -> r.getNode().site()),
                        count())
                .filter((service, sites, replicas) -> sites < Math.min(service.minSites, replicas))
                .penalize(
                        HardMediumSoftScore.ofHard(10),
                        (service, sites, replicas) -> Math.min(service.minSites, replicas) - sites)
                .asConstraint("spread across sites");
    }

    Constraint everyReplicaPlaced(ConstraintFactory factory) {
        return factory.forEachIncludingUnassigned(Replica.class)
                .filter(r -> r.getNode() == null)
                .penalize(HardMediumSoftScore.ONE_MEDIUM)
                .asConstraint("replica placed");
    }

    Constraint usersNearReplicas(ConstraintFactory factory) {
        return factory.forEach(UserDemand.class)
                .join(Replica.class, Joiners.equal(u -> u.service, Replica::getService))
                .groupBy(
                        (users, replica) -> users,
                        min((UserDemand users, Replica replica) -> users.rttMs(replica.getNode())))
                .penalize(HardMediumSoftScore.ONE_SOFT, (users, rttMs) -> Math.round(rttMs * users.weight))
                .asConstraint("users near a replica");
    }

    Constraint fewNodes(ConstraintFactory factory) {
        return factory.forEach(Replica.class)
                .groupBy(Replica::getNode)
                .penalize(HardMediumSoftScore.ofSoft(NODE_COST))
                .asConstraint("nodes used");
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
