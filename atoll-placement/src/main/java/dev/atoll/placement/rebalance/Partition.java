package dev.atoll.placement.rebalance;

import java.util.List;
import java.util.Objects;

/**
 * The nodes one event may move instances between, as DVMS grows it: the event's node first, then
 * the neighbours in the order they joined (same site first, then the nearest sites by RTT).
 *
 * @param owner names the event that holds it ({@code "overload:london/n1"}), so a registry can
 *     say who holds a node
 */
public record Partition(String owner, String origin, List<String> nodes) {
    public Partition {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(origin, "origin");
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty() || !nodes.get(0).equals(origin))
            throw new IllegalArgumentException("a partition starts at its origin " + origin);
        if (nodes.stream().distinct().count() != nodes.size())
            throw new IllegalArgumentException("a node is listed twice in partition " + owner);
    }
}
