package dev.atoll.model.view;

import dev.atoll.model.spec.EnvironmentSpec;
import java.time.Instant;
import java.util.List;

/**
 * An environment as the API and CLI show it. {@code version} grows by one on every accepted change
 * of the spec; {@code status} is deploying, ready, degraded, deleting or unplaceable.
 */
public record EnvironmentView(
        String name,
        String tenant,
        String homeSite,
        long version,
        String status,
        Instant createdAt,
        Instant updatedAt,
        List<ServiceStatus> services,
        EnvironmentSpec spec) {

    /** Per service: replicas wanted, running and healthy, and why not, when something is missing. */
    public record ServiceStatus(String name, int desired, int running, int updated, String message) {}
}
