package dev.atoll.model.topology;

import dev.atoll.model.Resources;
import java.util.Set;

/**
 * A machine in a site running an agent: its capacity, the drivers it supports and its tags.
 * {@code name} is unique within the site; {@link #id()} is unique in the cloud.
 */
public record NodeInfo(
        String site, String name, Resources capacity, int instanceSlots, Set<String> drivers, Set<String> tags) {
    public NodeInfo {
        drivers = Set.copyOf(drivers);
        tags = Set.copyOf(tags);
    }

    public String id() {
        return site + "/" + name;
    }
}
