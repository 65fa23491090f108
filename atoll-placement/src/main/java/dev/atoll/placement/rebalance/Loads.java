package dev.atoll.placement.rebalance;

import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.topology.NodeInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Estimated use per instance, from what each node measured: agents measure a node, not its
 * instances, so a node's measured use is shared among its instances in proportion to what each
 * asked for (per resource). Whatever the node uses beyond its instances' requests when none are
 * allocated (the agent itself, a stray process) stays with the node. A node without a measurement
 * is taken to use what is allocated on it. When an instance moves, its estimated use moves with it.
 *
 * @param perInstance the estimated use of each instance
 * @param residue use that belongs to the node, not to any instance
 */
public record Loads(Map<InstanceId, Resources> perInstance, Map<String, Resources> residue) {
    public Loads {
        perInstance = Map.copyOf(perInstance);
        residue = Map.copyOf(residue);
    }

    /** @param measured the latest measured use per node id; nodes missing use their allocation */
    public static Loads estimate(CloudLayout layout, Map<String, Resources> measured) {
        Map<InstanceId, Resources> perInstance = new HashMap<>();
        Map<String, Resources> residue = new HashMap<>();
        for (NodeInfo node : layout.nodes()) {
            List<PlacedInstance> here = layout.instancesOn(node.id());
            Resources allocated = layout.allocated(node.id());
            Resources used = measured.getOrDefault(node.id(), allocated);
            double cpuRatio = allocated.cpuMillis() == 0 ? 0 : (double) used.cpuMillis() / allocated.cpuMillis();
            double memoryRatio =
                    allocated.memoryBytes() == 0 ? 0 : (double) used.memoryBytes() / allocated.memoryBytes();
            long cpuShared = 0;
            long memoryShared = 0;
            for (PlacedInstance i : here) {
                Resources share = new Resources(
                        Math.round(i.resources().cpuMillis() * cpuRatio),
                        Math.round(i.resources().memoryBytes() * memoryRatio));
                perInstance.put(i.id(), share);
                cpuShared += share.cpuMillis();
                memoryShared += share.memoryBytes();
            }
            Resources rest = used.minusClamped(new Resources(cpuShared, memoryShared));
            if (!rest.equals(Resources.ZERO)) residue.put(node.id(), rest);
        }
        return new Loads(perInstance, residue);
    }

    /** Each instance using what it asked for: the allocation is the load. */
    public static Loads fromAllocations(CloudLayout layout) {
        return estimate(layout, Map.of());
    }

    public Resources of(InstanceId id) {
        return perInstance.getOrDefault(id, Resources.ZERO);
    }

    /** The node's estimated use with the instances {@code layout} puts on it. */
    public Resources onNode(CloudLayout layout, String nodeId) {
        Resources sum = residue.getOrDefault(nodeId, Resources.ZERO);
        for (PlacedInstance i : layout.instancesOn(nodeId)) sum = sum.plus(of(i.id()));
        return sum;
    }
}
