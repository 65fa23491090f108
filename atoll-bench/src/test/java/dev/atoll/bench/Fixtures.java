package dev.atoll.bench;

import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.instance.UserPopulation;
import dev.atoll.bench.instance.Workload;
import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.Spread;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small hand-made instance whose every figure can be worked out on paper: London (UK), Paris
 * and Frankfurt (EU), two nodes each ({@code n1}: 4 cores, 8 GiB, 10 slots, process and oci;
 * {@code n2} the same without oci), and three services of two replicas each.
 *
 * <ul>
 *   <li>{@code eu-web} (instances 0, 1): oci, 1 core / 1 GiB, jurisdiction EU, spread over 2 sites;
 *   <li>{@code near-london} (2, 3): process, 1 core / 1 GiB, users in London within 10 ms;
 *   <li>{@code batch} (4, 5): process, 1 core / 1 GiB, no constraint, users in Paris.
 * </ul>
 */
public final class Fixtures {
    public static final GeoPoint LONDON = new GeoPoint(51.5074, -0.1278);
    public static final GeoPoint PARIS = new GeoPoint(48.8566, 2.3522);
    public static final GeoPoint FRANKFURT = new GeoPoint(50.1109, 8.6821);

    /** Node numbers of the hand-made instance. */
    public static final int LONDON_N1 = 0, LONDON_N2 = 1, PARIS_N1 = 2, PARIS_N2 = 3, FRANKFURT_N1 = 4;

    private static final long GI = 1L << 30;

    private Fixtures() {}

    public static PlacementInstance threeSites() {
        List<SiteInfo> sites = List.of(
                new SiteInfo("london", LONDON, "GB", "UK", Set.of()),
                new SiteInfo("paris", PARIS, "FR", "EU", Set.of()),
                new SiteInfo("frankfurt", FRANKFURT, "DE", "EU", Set.of()));
        List<NodeInfo> nodes = sites.stream()
                .flatMap(s -> List.of(
                        new NodeInfo(
                                s.name(), "n1", new Resources(4000, 8 * GI), 10, Set.of("process", "oci"), Set.of()),
                        new NodeInfo(s.name(), "n2", new Resources(4000, 8 * GI), 10, Set.of("process"), Set.of()))
                        .stream())
                .toList();
        UserPopulation londoners = new UserPopulation(new UserRegion("london", LONDON, Optional.of(10)), 1_000_000);
        UserPopulation parisians = new UserPopulation(new UserRegion("paris", PARIS, Optional.empty()), 3_000_000);
        return new PlacementInstance(
                42,
                sites,
                nodes,
                List.of(
                        workload("eu-web", DriverKind.OCI, Set.of("EU"), 2, List.of(parisians)),
                        workload("near-london", DriverKind.PROCESS, Set.of(), 0, List.of(londoners)),
                        workload("batch", DriverKind.PROCESS, Set.of(), 0, List.of(parisians))));
    }

    private static Workload workload(
            String name, DriverKind driver, Set<String> jurisdictions, int minSites, List<UserPopulation> users) {
        PlacementIntent intent = new PlacementIntent(
                jurisdictions,
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                users.stream().map(UserPopulation::region).toList(),
                minSites > 0 ? Optional.of(new Spread(Domain.SITE, minSites)) : Optional.empty(),
                AntiAffinity.NONE,
                Strategy.SPREAD);
        ServiceSpec service = new ServiceSpec(
                name,
                driver,
                List.of("app"),
                Map.of(),
                new Resources(1000, GI),
                List.of(),
                Optional.empty(),
                2,
                RestartPolicy.ALWAYS,
                intent);
        return new Workload(service, users);
    }
}
