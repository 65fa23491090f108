package dev.atoll.model.view;

import dev.atoll.model.Resources;
import java.util.Set;

/**
 * A node as the API and CLI show it. {@code state} is ready, suspect or down. {@code driverDetails}
 * as in {@link dev.atoll.model.topology.NodeInfo}.
 */
public record NodeView(
        String site,
        String name,
        String state,
        Resources capacity,
        Resources allocated,
        int instanceSlots,
        int instances,
        Set<String> drivers,
        Set<String> tags,
        java.util.Map<String, String> driverDetails) {
    public NodeView {
        driverDetails = driverDetails == null ? java.util.Map.of() : java.util.Map.copyOf(driverDetails);
    }

    public NodeView(
            String site,
            String name,
            String state,
            Resources capacity,
            Resources allocated,
            int instanceSlots,
            int instances,
            Set<String> drivers,
            Set<String> tags) {
        this(site, name, state, capacity, allocated, instanceSlots, instances, drivers, tags, java.util.Map.of());
    }
}
