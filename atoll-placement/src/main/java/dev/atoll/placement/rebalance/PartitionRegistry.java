package dev.atoll.placement.rebalance;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which nodes are held by which partition, so that partitions never overlap: a node belongs to at
 * most one event at a time, and an event that meets a held node grows around it or waits.
 * Immutable: reserving and releasing return the next registry.
 *
 * @param owners node id to the owner of the partition that holds it
 */
public record PartitionRegistry(Map<String, String> owners) {
    public static final PartitionRegistry EMPTY = new PartitionRegistry(Map.of());

    public PartitionRegistry {
        owners = Map.copyOf(owners);
    }

    public Optional<String> ownerOf(String nodeId) {
        return Optional.ofNullable(owners.get(nodeId));
    }

    /** Whether the node is held by a partition other than {@code owner}'s. */
    public boolean heldByOther(String nodeId, String owner) {
        String held = owners.get(nodeId);
        return held != null && !held.equals(owner);
    }

    /**
     * The registry with every node of {@code partition} held by its owner.
     *
     * @throws IllegalStateException when another partition holds one of them: a decider that
     *     proposes such a partition has a bug
     */
    public PartitionRegistry reserve(Partition partition) {
        Map<String, String> next = new HashMap<>(owners);
        for (String node : partition.nodes()) {
            String held = next.putIfAbsent(node, partition.owner());
            if (held != null && !held.equals(partition.owner()))
                throw new IllegalStateException(
                        "partition " + partition.owner() + " overlaps " + held + " at node " + node);
        }
        return new PartitionRegistry(next);
    }

    /** The registry without the nodes {@code owner} held. */
    public PartitionRegistry release(String owner) {
        Map<String, String> next = new HashMap<>(owners);
        next.values().removeIf(owner::equals);
        return new PartitionRegistry(next);
    }
}
