package dev.atoll.placement;

import dev.atoll.model.Resources;
import java.util.Set;

/**
 * What a node of another site can still take, as that site summarises it for site selection.
 * Summaries may be stale; the target site checks its exact state before accepting.
 */
public record NodeCapacity(
        String name, Resources free, int freeSlots, Set<String> drivers, Set<String> tags, boolean ready) {
    public NodeCapacity {
        drivers = Set.copyOf(drivers);
        tags = Set.copyOf(tags);
    }
}
