package dev.atoll.bench;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.Spread;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.CloudCapacity;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.PlacementResult;
import dev.atoll.placement.Placer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Placements per second: 10,000 instances onto 300 nodes in 3 sites (London UK, Frankfurt EU,
 * Paris EU; 100 nodes each), every instance constrained to the EU and spread over at least 2
 * sites. Each invocation places all 10,000 onto a fresh cloud, one at a time, site then node,
 * updating allocations after each, so the score is placements per second.
 *
 * <p>Run: {@code java -jar atoll-bench/target/benchmarks.jar PlacementBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PlacementBenchmark {
    static final int INSTANCES = 10_000;
    static final int NODES_PER_SITE = 100;

    /** Ten services of 1,000 replicas: per-service counts matter, as in a real cloud. */
    static final int SERVICES = 10;

    private List<ServiceSpec> services;
    private CloudCapacity cloud;
    private Placer placer;
    private long seed;

    @Setup(Level.Trial)
    public void services() {
        PlacementIntent intent = new PlacementIntent(
                Set.of("EU"),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                List.of(),
                Optional.of(new Spread(Domain.SITE, 2)),
                AntiAffinity.NONE,
                Strategy.SPREAD);
        services = new ArrayList<>();
        for (int s = 0; s < SERVICES; s++) {
            services.add(new ServiceSpec(
                    "svc-" + s,
                    DriverKind.PROCESS,
                    List.of("app"),
                    Map.of(),
                    new Resources(250, 256L << 20),
                    List.of("http"),
                    Optional.empty(),
                    INSTANCES / SERVICES,
                    RestartPolicy.ALWAYS,
                    intent));
        }
    }

    @Setup(Level.Invocation)
    public void freshCloud() {
        cloud = new CloudCapacity();
        addSite(new SiteInfo("london", new GeoPoint(51.5074, -0.1278), "GB", "UK", Set.of()));
        addSite(new SiteInfo("frankfurt", new GeoPoint(50.1109, 8.6821), "DE", "EU", Set.of()));
        addSite(new SiteInfo("paris", new GeoPoint(48.8566, 2.3522), "FR", "EU", Set.of()));
        placer = new Placer(cloud, LatencyModel.ESTIMATED);
        seed++;
    }

    private void addSite(SiteInfo site) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int n = 0; n < NODES_PER_SITE; n++) {
            nodes.add(new NodeInfo(
                    site.name(), "node-" + n, new Resources(64_000, 256L << 30), 110, Set.of("process"), Set.of()));
        }
        cloud.addSite(site, nodes);
    }

    @Benchmark
    @OperationsPerInvocation(INSTANCES)
    public int placeTenThousandInstances() {
        int placed = 0;
        for (ServiceSpec service : services) {
            PlacementResult result = placer.place(service, service.replicas(), seed);
            if (!(result instanceof PlacementResult.Placed)) throw new IllegalStateException(result.toString());
            placed += result.assignments().size();
        }
        return placed;
    }
}
