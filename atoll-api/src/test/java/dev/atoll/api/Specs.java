package dev.atoll.api;

import dev.atoll.model.Resources;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small spec fixtures built as records, independent of the spec parser. */
final class Specs {
    private Specs() {}

    static ServiceSpec aService(String name, int replicas) {
        return new ServiceSpec(
                name,
                DriverKind.PROCESS,
                List.of("python3", "-m", "http.server"),
                Map.of(),
                new Resources(100, 64L << 20),
                List.of("http"),
                Optional.empty(),
                replicas,
                RestartPolicy.ALWAYS,
                PlacementIntent.NONE);
    }

    /** An environment in the default tenant with a "web" service of {@code replicas}. */
    static EnvironmentSpec anEnvironment(String name, int replicas) {
        return anEnvironment(name, EnvironmentSpec.DEFAULT_TENANT, aService("web", replicas));
    }

    static EnvironmentSpec anEnvironment(String name, String tenant, ServiceSpec... services) {
        var map = new LinkedHashMap<String, ServiceSpec>();
        for (var s : services) map.put(s.name(), s);
        return new EnvironmentSpec(name, tenant, map);
    }
}
