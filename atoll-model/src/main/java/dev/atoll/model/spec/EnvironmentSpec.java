package dev.atoll.model.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A group of services deployed and managed together. Services keep the order of the spec.
 * Built by {@link SpecParser}, which guarantees every field is valid.
 */
public record EnvironmentSpec(String name, String tenant, Map<String, ServiceSpec> services) {
    public static final String DEFAULT_TENANT = "default";

    public EnvironmentSpec {
        services = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
    }

    /** The same environment with one service's replica count changed. */
    public EnvironmentSpec withReplicas(String service, int replicas) {
        var copy = new LinkedHashMap<>(services);
        copy.computeIfPresent(service, (k, s) -> s.withReplicas(replicas));
        return new EnvironmentSpec(name, tenant, copy);
    }
}
