package dev.atoll.control;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Small builders for control-plane tests. */
public final class Fixtures {
    public static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private Fixtures() {}

    public static ServiceSpec aService(String name, int replicas) {
        return new ServiceSpec(
                name,
                DriverKind.PROCESS,
                List.of("sleep", "600"),
                Map.of(),
                new Resources(500, 256L << 20),
                List.of(),
                Optional.empty(),
                replicas,
                RestartPolicy.ALWAYS,
                PlacementIntent.NONE);
    }

    /** {@code replicas} of a service that may run only at {@code sites}, placed by {@code strategy}. */
    public static ServiceSpec aServiceAt(
            String name, int replicas, PlacementIntent.Strategy strategy, String... sites) {
        var none = PlacementIntent.NONE;
        return placed(
                aService(name, replicas),
                new PlacementIntent(
                        none.jurisdictions(),
                        none.countries(),
                        java.util.Set.of(sites),
                        none.avoidSites(),
                        none.requireTags(),
                        none.preferTags(),
                        none.nearUsers(),
                        none.spread(),
                        none.antiAffinity(),
                        strategy));
    }

    /** {@code replicas} of a service spread over at least {@code sites} sites (as examples/hello.yaml). */
    public static ServiceSpec aServiceSpreadOverSites(String name, int replicas, int sites) {
        var none = PlacementIntent.NONE;
        return placed(
                aService(name, replicas),
                new PlacementIntent(
                        none.jurisdictions(),
                        none.countries(),
                        none.sites(),
                        none.avoidSites(),
                        none.requireTags(),
                        none.preferTags(),
                        none.nearUsers(),
                        Optional.of(new PlacementIntent.Spread(PlacementIntent.Domain.SITE, sites)),
                        none.antiAffinity(),
                        none.strategy()));
    }

    /** {@code service} with {@code placement} instead of its own. */
    private static ServiceSpec placed(ServiceSpec service, PlacementIntent placement) {
        return new ServiceSpec(
                service.name(),
                service.driver(),
                service.command(),
                service.env(),
                service.resources(),
                service.ports(),
                service.health(),
                service.replicas(),
                service.restart(),
                placement);
    }

    public static EnvironmentSpec anEnvironment(String name, ServiceSpec... services) {
        var map = new java.util.LinkedHashMap<String, ServiceSpec>();
        for (ServiceSpec s : services) map.put(s.name(), s);
        return new EnvironmentSpec(name, EnvironmentSpec.DEFAULT_TENANT, map);
    }

    public static SiteInfo aSite(String name) {
        return new SiteInfo(name, new GeoPoint(51.5, -0.1), "GB", "UK", Set.of());
    }

    public static NodeInfo aNode(String site, String name, long cpuMillis, long memoryBytes) {
        return new NodeInfo(site, name, new Resources(cpuMillis, memoryBytes), 110, Set.of("process"), Set.of());
    }
}
