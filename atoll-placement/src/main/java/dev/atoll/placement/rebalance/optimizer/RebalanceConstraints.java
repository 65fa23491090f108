package dev.atoll.placement.rebalance.optimizer;

import static ai.timefold.solver.core.api.score.stream.ConstraintCollectors.count;
import static ai.timefold.solver.core.api.score.stream.ConstraintCollectors.sum;
import static ai.timefold.solver.core.api.score.stream.ConstraintCollectors.toSet;

import ai.timefold.solver.core.api.score.HardMediumSoftScore;
import ai.timefold.solver.core.api.score.stream.Constraint;
import ai.timefold.solver.core.api.score.stream.ConstraintFactory;
import ai.timefold.solver.core.api.score.stream.ConstraintProvider;
import ai.timefold.solver.core.api.score.stream.Joiners;

/**
 * The objective as constraint streams, written to agree with {@link
 * dev.atoll.placement.rebalance.Objective}.
 *
 * <p>Hard: no node over its cpu, memory or slots (1 per 100 millicores, per 128 MiB, per slot
 * over); no instance on a node its service may not use (10 each); anti-affinity across nodes and
 * sites (10 per pair, and per replica beside a pinned one); spread (10 per missing domain, the
 * domains of pinned replicas counted). Medium: instances still on a draining node
 * (outweighing all else at that level), estimated use over the overload limits (1 per 100 millicores, per 128 MiB over). Soft, weights applied in the facts: user
 * latency, replicas of spread services sharing a node, energy (busy cores at their site's cost,
 * an idle cost per node in use), moves.
 */
public class RebalanceConstraints implements ConstraintProvider {
    private static final long CPU_UNIT = 100;
    private static final long MEMORY_UNIT = 128L << 20;
    /** An instance left on a draining node outweighs any overload it could relieve elsewhere. */
    static final long DRAINING_WEIGHT = 1_000_000;

    @Override
    public Constraint[] defineConstraints(ConstraintFactory factory) {
        return new Constraint[] {
            capacity(factory),
            allowedNodes(factory),
            antiAffinityNode(factory),
            antiAffinitySite(factory),
            antiAffinityWithPinned(factory),
            spreadOverSites(factory),
            spreadOverNodes(factory),
            draining(factory),
            overload(factory),
            userLatency(factory),
            replicasSharingNodes(factory),
            energyOfCores(factory),
            energyOfNodes(factory),
            moves(factory)
        };
    }

    Constraint capacity(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .groupBy(
                        InstanceVariable::getNode,
                        sum(InstanceVariable::getCpuMillis),
                        sum(InstanceVariable::getMemoryBytes),
                        count())
                .filter((node, cpu, memory, n) ->
                        cpu > node.cpuMillis() || memory > node.memoryBytes() || n > node.slots())
                .penalize(
                        HardMediumSoftScore.ONE_HARD,
                        (node, cpu, memory, n) -> ceilDiv(Math.max(0, cpu - node.cpuMillis()), CPU_UNIT)
                                + ceilDiv(Math.max(0, memory - node.memoryBytes()), MEMORY_UNIT)
                                + Math.max(0, n - node.slots()))
                .asConstraint("node capacity");
    }

    Constraint allowedNodes(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .filter(i -> !i.allowedOn(i.getNode()))
                .penalize(HardMediumSoftScore.ofHard(10))
                .asConstraint("allowed node");
    }

    Constraint antiAffinityNode(ConstraintFactory factory) {
        return factory.forEachUniquePair(
                        InstanceVariable.class,
                        Joiners.equal(InstanceVariable::getService),
                        Joiners.equal(InstanceVariable::getNode))
                .filter((a, b) -> a.getService().antiAffinity == ServiceRules.NODE)
                .penalize(HardMediumSoftScore.ofHard(10))
                .asConstraint("anti-affinity node");
    }

    Constraint antiAffinitySite(ConstraintFactory factory) {
        return factory.forEachUniquePair(
                        InstanceVariable.class,
                        Joiners.equal(InstanceVariable::getService),
                        Joiners.equal(i -> i.getNode().site()))
                .filter((a, b) -> a.getService().antiAffinity == ServiceRules.SITE)
                .penalize(HardMediumSoftScore.ofHard(10))
                .asConstraint("anti-affinity site");
    }

    /** A replica on a site or node where a pinned replica of its service runs. */
    Constraint antiAffinityWithPinned(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .filter(i -> beside(i) > 0)
                .penalize(HardMediumSoftScore.ofHard(10), RebalanceConstraints::beside)
                .asConstraint("anti-affinity with pinned replicas");
    }

    private static int beside(InstanceVariable i) {
        ServiceRules service = i.getService();
        return switch (service.antiAffinity) {
            case ServiceRules.NODE -> service.pinnedOnNode(i.getNode().index());
            case ServiceRules.SITE -> service.pinnedOnSite(i.getNode().site());
            default -> 0;
        };
    }

    Constraint spreadOverSites(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .filter(i -> i.getService().spreadAcross == ServiceRules.SITE)
                .groupBy(InstanceVariable::getService, toSet((InstanceVariable i) -> i.getNode()
                        .site()))
                .filter((service, sites) -> service.sitesCovered(sites) < service.domainsNeeded())
                .penalize(
                        HardMediumSoftScore.ofHard(10),
                        (service, sites) -> service.domainsNeeded() - service.sitesCovered(sites))
                .asConstraint("spread over sites");
    }

    Constraint spreadOverNodes(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .filter(i -> i.getService().spreadAcross == ServiceRules.NODE)
                .groupBy(InstanceVariable::getService, toSet((InstanceVariable i) -> i.getNode()
                        .index()))
                .filter((service, nodes) -> service.nodesCovered(nodes) < service.domainsNeeded())
                .penalize(
                        HardMediumSoftScore.ofHard(10),
                        (service, nodes) -> service.domainsNeeded() - service.nodesCovered(nodes))
                .asConstraint("spread over nodes");
    }

    Constraint draining(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .filter(InstanceVariable::stuckOnClosedNode)
                .penalize(HardMediumSoftScore.ofMedium(DRAINING_WEIGHT))
                .asConstraint("instance on a draining node");
    }

    Constraint overload(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .groupBy(
                        InstanceVariable::getNode,
                        sum(InstanceVariable::getUsedCpuMillis),
                        sum(InstanceVariable::getUsedMemoryBytes))
                .filter((node, cpu, memory) -> cpu > node.cpuLimitMillis() || memory > node.memoryLimitBytes())
                .penalize(
                        HardMediumSoftScore.ONE_MEDIUM,
                        (node, cpu, memory) -> ceilDiv(Math.max(0, cpu - node.cpuLimitMillis()), CPU_UNIT)
                                + ceilDiv(Math.max(0, memory - node.memoryLimitBytes()), MEMORY_UNIT))
                .asConstraint("overload");
    }

    Constraint userLatency(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .filter(i -> i.getService().latencyMs(i.getNode()) > 0)
                .penalize(HardMediumSoftScore.ONE_SOFT, i -> i.getService().latencyMs(i.getNode()))
                .asConstraint("user latency");
    }

    Constraint replicasSharingNodes(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .filter(i -> i.getService().spreadStrategy)
                .groupBy(InstanceVariable::getService, InstanceVariable::getNode, count())
                .filter((service, node, n) -> n > 1)
                .penalize(HardMediumSoftScore.ONE_SOFT, (service, node, n) -> service.spreadCost * (n - 1))
                .asConstraint("replicas sharing a node");
    }

    Constraint energyOfCores(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .filter(i -> i.getService().energy(i.getNode()) > 0)
                .penalize(HardMediumSoftScore.ONE_SOFT, i -> i.getService().energy(i.getNode()))
                .asConstraint("energy of busy cores");
    }

    Constraint energyOfNodes(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .groupBy(InstanceVariable::getNode)
                .penalize(HardMediumSoftScore.ONE_SOFT, HostSlot::idleCost)
                .asConstraint("energy of nodes in use");
    }

    Constraint moves(ConstraintFactory factory) {
        return factory.forEach(InstanceVariable.class)
                .filter(i -> i.getNode() != i.getOriginal())
                .penalize(HardMediumSoftScore.ONE_SOFT, InstanceVariable::getMoveCost)
                .asConstraint("moves");
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
