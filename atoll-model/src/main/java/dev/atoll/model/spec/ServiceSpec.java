package dev.atoll.model.spec;

import dev.atoll.model.Resources;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A workload template inside an environment. {@code health} may be absent (then running = healthy). */
public record ServiceSpec(
        String name,
        DriverKind driver,
        List<String> command,
        Map<String, String> env,
        Resources resources,
        List<String> ports,
        Optional<HealthCheck> health,
        int replicas,
        RestartPolicy restart,
        PlacementIntent placement) {
    public ServiceSpec {
        command = List.copyOf(command);
        env = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(env));
        ports = List.copyOf(ports);
    }

    public ServiceSpec withReplicas(int n) {
        return new ServiceSpec(name, driver, command, env, resources, ports, health, n, restart, placement);
    }

    /**
     * What an instance runs, without the replica count: two specs with the same template need no
     * rolling update when only the count changed.
     */
    public ServiceSpec template() {
        return withReplicas(0);
    }
}
