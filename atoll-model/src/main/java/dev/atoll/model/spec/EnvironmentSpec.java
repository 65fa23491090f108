package dev.atoll.model.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A group of services deployed and managed together. Services keep the order of the spec.
 * Built by {@link SpecParser}, which guarantees every field is valid. {@code networks} names the
 * tenant networks its services may join; a network belongs to the tenant, so environments of one
 * tenant that name the same network share it.
 */
public record EnvironmentSpec(
        String name, String tenant, Map<String, ServiceSpec> services, java.util.List<String> networks) {
    public static final String DEFAULT_TENANT = "default";

    public EnvironmentSpec {
        services = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
        // Specs stored before networks existed have none.
        networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
    }

    /** An environment on no tenant network. */
    public EnvironmentSpec(String name, String tenant, Map<String, ServiceSpec> services) {
        this(name, tenant, services, java.util.List.of());
    }

    /** The same environment with {@code service} in place of the service of its name. */
    public EnvironmentSpec withService(ServiceSpec service) {
        var copy = new LinkedHashMap<>(services);
        copy.put(service.name(), service);
        return new EnvironmentSpec(name, tenant, copy, networks);
    }

    /** The same environment with one service's replica count changed. */
    public EnvironmentSpec withReplicas(String service, int replicas) {
        var copy = new LinkedHashMap<>(services);
        copy.computeIfPresent(service, (k, s) -> s.withReplicas(replicas));
        return new EnvironmentSpec(name, tenant, copy, networks);
    }
}
