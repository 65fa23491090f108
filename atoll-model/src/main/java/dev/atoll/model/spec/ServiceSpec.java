package dev.atoll.model.spec;

import dev.atoll.model.Resources;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A workload template inside an environment. {@code health} may be absent (then running = healthy).
 * {@code image} names what an {@code oci} or {@code microvm} service runs ({@code name:tag},
 * {@code name:tag@sha256:...} or {@code sha256:...}); for those drivers {@code command}, when given,
 * replaces the image's own. {@code readOnly} and {@code mounts} apply to containers and micro-VMs.
 * {@code networks} are the environment's tenant networks the replicas join (each gets an address on
 * each); {@code expose} publishes named ports at the ingress of every site where the service runs.
 */
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
        PlacementIntent placement,
        Optional<String> image,
        boolean readOnly,
        List<Mount> mounts,
        List<String> networks,
        List<Expose> expose) {
    public ServiceSpec {
        command = List.copyOf(command);
        env = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(env));
        ports = List.copyOf(ports);
        // Specs stored before images existed have neither field.
        image = image == null ? Optional.empty() : image;
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        // Specs stored before networks existed have neither.
        networks = networks == null ? List.of() : List.copyOf(networks);
        expose = expose == null ? List.of() : List.copyOf(expose);
    }

    /** A service on no network, publishing nothing. */
    public ServiceSpec(
            String name,
            DriverKind driver,
            List<String> command,
            Map<String, String> env,
            Resources resources,
            List<String> ports,
            Optional<HealthCheck> health,
            int replicas,
            RestartPolicy restart,
            PlacementIntent placement,
            Optional<String> image,
            boolean readOnly,
            List<Mount> mounts) {
        this(
                name, driver, command, env, resources, ports, health, replicas, restart, placement, image, readOnly,
                mounts, List.of(), List.of());
    }

    /** A {@code process} service, or any service without an image. */
    public ServiceSpec(
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
        this(
                name,
                driver,
                command,
                env,
                resources,
                ports,
                health,
                replicas,
                restart,
                placement,
                Optional.empty(),
                false,
                List.of());
    }

    public ServiceSpec withReplicas(int n) {
        return new ServiceSpec(
                name, driver, command, env, resources, ports, health, n, restart, placement, image, readOnly, mounts,
                networks, expose);
    }

    /** The same service with {@code key=value} added to (or replaced in) its environment variables. */
    public ServiceSpec withEnv(String key, String value) {
        var more = new java.util.TreeMap<>(env);
        more.put(key, value);
        return new ServiceSpec(
                name, driver, command, more, resources, ports, health, replicas, restart, placement, image, readOnly,
                mounts, networks, expose);
    }

    /** The same service running {@code pinned}, an image reference resolved to its digest. */
    public ServiceSpec withImage(String pinned) {
        return new ServiceSpec(
                name,
                driver,
                command,
                env,
                resources,
                ports,
                health,
                replicas,
                restart,
                placement,
                Optional.of(pinned),
                readOnly,
                mounts,
                networks,
                expose);
    }

    /**
     * What an instance runs, without the replica count: two specs with the same template need no
     * rolling update when only the count changed.
     */
    public ServiceSpec template() {
        return withReplicas(0);
    }
}
