package dev.atoll.model.topology;

import dev.atoll.model.Resources;
import java.util.Set;

/**
 * A machine in a site running an agent: its capacity, the drivers it supports and its tags.
 * {@code name} is unique within the site; {@link #id()} is unique in the cloud. {@code driverDetails}
 * says how a driver runs here where that matters to people (microvm: "kvm" or "tcg"; oci: the runc
 * version).
 */
public record NodeInfo(
        String site,
        String name,
        Resources capacity,
        int instanceSlots,
        Set<String> drivers,
        Set<String> tags,
        java.util.Map<String, String> driverDetails) {
    public NodeInfo {
        drivers = Set.copyOf(drivers);
        tags = Set.copyOf(tags);
        // Agents older than driver details send none.
        driverDetails = driverDetails == null ? java.util.Map.of() : java.util.Map.copyOf(driverDetails);
    }

    public NodeInfo(
            String site, String name, Resources capacity, int instanceSlots, Set<String> drivers, Set<String> tags) {
        this(site, name, capacity, instanceSlots, drivers, tags, java.util.Map.of());
    }

    public String id() {
        return site + "/" + name;
    }
}
