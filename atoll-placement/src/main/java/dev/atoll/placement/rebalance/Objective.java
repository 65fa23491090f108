package dev.atoll.placement.rebalance;

import dev.atoll.model.Resources;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.LatencyModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Works out the background optimizer's objective ({@link ObjectiveScore}) for a layout, in plain
 * Java and independently of the solver: the figures a plan shows before and after are these, and
 * the solver's constraints are written to agree with them.
 */
public final class Objective {
    private static final long CPU_UNIT = 100;
    private static final long MEMORY_UNIT = 128L << 20;

    private Objective() {}

    public static ObjectiveScore score(
            CloudLayout layout, CloudLayout original, Loads loads, OverloadPolicy policy, LatencyModel latency) {
        long hard = HardConstraints.violations(layout, latency).size();
        long overload = 0;
        long draining = 0;
        long energy = 0;
        for (NodeInfo node : layout.nodes()) {
            List<PlacedInstance> here = layout.instancesOn(node.id());
            overload += overloadUnits(loads.onNode(layout, node.id()), limit(node, policy));
            if (!here.isEmpty()) energy += SiteEnergy.IDLE_NODE_COST;
            if (layout.closedNodes().contains(node.id())) draining += here.size();
        }
        long latencyMs = 0;
        long spread = 0;
        long moves = 0;
        Map<String, Long> perServiceNode = new HashMap<>();
        for (PlacedInstance i : layout.instances()) {
            SiteInfo site = layout.site(i.at().site());
            latencyMs += meanRttMs(i.service().placement().nearUsers(), site, latency);
            energy += SiteEnergy.of(site).cost(i.resources().cpuMillis());
            if (i.service().placement().strategy() == Strategy.SPREAD) {
                long before = perServiceNode.merge(i.serviceKey() + "@" + i.nodeId(), 1L, Long::sum);
                if (before > 1) spread++;
            }
            PlacedInstance was = original.instance(i.id());
            if (!was.at().equals(i.at())) moves++;
        }
        return new ObjectiveScore(hard, draining, overload, latencyMs, spread, energy, moves);
    }

    public static Resources limit(NodeInfo node, OverloadPolicy policy) {
        return new Resources(
                policy.cpuLimitMillis(node.capacity().cpuMillis()),
                policy.memoryLimitBytes(node.capacity().memoryBytes()));
    }

    /** Use over the limit in units of 100 millicores and of 128 MiB, rounded up. */
    public static long overloadUnits(Resources used, Resources limit) {
        long cpuOver = Math.max(0, used.cpuMillis() - limit.cpuMillis());
        long memoryOver = Math.max(0, used.memoryBytes() - limit.memoryBytes());
        return ceilDiv(cpuOver, CPU_UNIT) + ceilDiv(memoryOver, MEMORY_UNIT);
    }

    /** The mean RTT from the site to the user regions, whole ms; 0 for a service without users. */
    public static long meanRttMs(List<UserRegion> regions, SiteInfo site, LatencyModel latency) {
        if (regions.isEmpty()) return 0;
        double sum = 0;
        for (UserRegion r : regions) sum += latency.rttMs(site, r);
        return Math.round(sum / regions.size());
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
