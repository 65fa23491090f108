package dev.atoll.bench.instance;

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
import dev.atoll.model.topology.Topologies;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generates a placement instance from a seed: sites in real cities under several jurisdictions,
 * nodes of a few sizes and driver sets, and services of 10 to 100 replicas whose users live near
 * some site, with the constraints real tenants ask for.
 *
 * <p>Per service, independently: a resource size from a mix (100m/128Mi to 2/4Gi, one
 * memory-heavy); a driver (oci 60%, process 30%, microvm 10%); one region of users near a site
 * (the less loaded of two random ones), a second near another site (30%) and a third (10% of
 * those); spread across at least 2 or 3 sites (70%); a jurisdiction, that of its users (50%); a
 * latency bound from the first users that two to five of the nearest eligible sites meet, one more
 * than the spread needs (50%); strategy spread (70%) or pack.
 *
 * <p>Every service is feasible on sites alone: a bound is drawn so that at least {@code
 * minDomains} eligible sites meet it, and a jurisdiction with too few sites for the spread is
 * dropped. Nodes are sized so the whole instance asks for about {@link
 * InstanceShape#cpuLoad()} of the cpu.
 */
public final class InstanceGenerator {
    static final int MIN_REPLICAS = 10;
    static final int MAX_REPLICAS = 100;

    private static final long MI = 1L << 20;
    private static final long GI = 1L << 30;

    /** Instance sizes and their weights: mostly small, a few large, one memory-heavy. */
    private static final List<Resources> SIZES = List.of(
            new Resources(100, 128 * MI),
            new Resources(250, 512 * MI),
            new Resources(500, GI),
            new Resources(1000, 2 * GI),
            new Resources(2000, 4 * GI),
            new Resources(500, 4 * GI));

    private static final double[] SIZE_WEIGHTS = {0.15, 0.25, 0.25, 0.20, 0.10, 0.05};

    /** Node sizes in units of the cpu a node gets on average, and their weights. */
    private static final int[] NODE_UNITS = {1, 2, 4};

    private static final double[] NODE_UNIT_WEIGHTS = {0.25, 0.5, 0.25};

    private InstanceGenerator() {}

    public static PlacementInstance generate(InstanceShape shape) {
        SplittableRandom random = new SplittableRandom(shape.seed());
        List<SiteInfo> sites = Cities.sites(shape.sites());

        // Node shapes first (drivers decide which sites a service can use), sizes once the demand
        // is known.
        int[] siteOfNode = new int[shape.nodes()];
        int[] units = new int[shape.nodes()];
        boolean[] memoryHeavy = new boolean[shape.nodes()];
        List<Set<String>> drivers = new ArrayList<>(shape.nodes());
        List<Set<DriverKind>> driversPerSite = new ArrayList<>();
        for (int s = 0; s < sites.size(); s++) driversPerSite.add(new HashSet<>());
        int base = shape.nodes() / shape.sites();
        int extra = shape.nodes() % shape.sites();
        int totalUnits = 0;
        for (int s = 0, n = 0; s < sites.size(); s++) {
            int count = base + (s < extra ? 1 : 0);
            for (int k = 0; k < count; k++, n++) {
                siteOfNode[n] = s;
                units[n] = NODE_UNITS[pick(random, NODE_UNIT_WEIGHTS)];
                totalUnits += units[n];
                memoryHeavy[n] = random.nextDouble() < 0.2;
                Set<DriverKind> kinds = EnumSet.of(DriverKind.PROCESS); // every node runs processes
                if (random.nextDouble() < 0.9) kinds.add(DriverKind.OCI);
                if (random.nextDouble() < 0.3) kinds.add(DriverKind.MICROVM);
                driversPerSite.get(s).addAll(kinds);
                drivers.add(wireNames(kinds));
            }
        }

        List<Workload> workloads = new ArrayList<>();
        long[] homedCpu = new long[sites.size()];
        long cpuDemand = 0;
        int remaining = shape.instances();
        while (remaining > 0) {
            int replicas = Math.min(remaining, MIN_REPLICAS + random.nextInt(MAX_REPLICAS - MIN_REPLICAS + 1));
            // No tail service smaller than the smallest: the last one takes what is left.
            if (remaining - replicas < MIN_REPLICAS) replicas = remaining;
            Workload w = workload(random, workloads.size(), replicas, sites, driversPerSite, homedCpu);
            cpuDemand += w.service().resources().cpuMillis() * replicas;
            workloads.add(w);
            remaining -= replicas;
        }

        // Whole cores per unit, so nodes read like machines one can buy.
        long unitCores = Math.max(1, Math.round(cpuDemand / shape.cpuLoad() / totalUnits / 1000.0));
        List<NodeInfo> nodes = new ArrayList<>(shape.nodes());
        int[] nextName = new int[sites.size()];
        for (int n = 0; n < shape.nodes(); n++) {
            long cores = units[n] * unitCores;
            long memory = cores * (memoryHeavy[n] ? 8 : 4) * GI;
            SiteInfo site = sites.get(siteOfNode[n]);
            nodes.add(new NodeInfo(
                    site.name(),
                    "n" + (++nextName[siteOfNode[n]]),
                    new Resources(cores * 1000, memory),
                    Topologies.DEFAULT_NODE_SLOTS,
                    drivers.get(n),
                    Set.of()));
        }
        return new PlacementInstance(shape.seed(), sites, nodes, workloads);
    }

    private static Workload workload(
            SplittableRandom random,
            int index,
            int replicas,
            List<SiteInfo> sites,
            List<Set<DriverKind>> siteDrivers,
            long[] homedCpu) {
        Resources size = SIZES.get(pick(random, SIZE_WEIGHTS));
        double d = random.nextDouble();
        DriverKind driver = d < 0.6 ? DriverKind.OCI : d < 0.9 ? DriverKind.PROCESS : DriverKind.MICROVM;

        // Users near one site, sometimes a second and a third.
        List<SiteInfo> homes = new ArrayList<>();
        // The better of two random sites, by the cpu of the services already homed there: users are
        // everywhere, and a cloud puts its sites where they are, so no site draws much more demand
        // than its share (two choices instead of one keep the shares even, as in load balancing).
        int a = random.nextInt(sites.size());
        int b = random.nextInt(sites.size());
        int first = homedCpu[b] < homedCpu[a] ? b : a;
        homedCpu[first] += size.cpuMillis() * replicas;
        homes.add(sites.get(first));
        if (random.nextDouble() < 0.3) {
            homes.add(sites.get(random.nextInt(sites.size())));
            if (random.nextDouble() < 0.1) homes.add(sites.get(random.nextInt(sites.size())));
        }
        List<GeoPoint> userPlaces = new ArrayList<>();
        List<Long> people = new ArrayList<>();
        for (SiteInfo home : homes) {
            userPlaces.add(near(random, home.location()));
            people.add(100_000L + random.nextLong(10_000_000L));
        }

        List<SiteInfo> withDriver = new ArrayList<>();
        for (int s = 0; s < sites.size(); s++) if (siteDrivers.get(s).contains(driver)) withDriver.add(sites.get(s));

        int minDomains = 0;
        if (random.nextDouble() < 0.7) minDomains = random.nextDouble() < 0.7 ? 2 : 3;
        minDomains = Math.min(minDomains, Math.min(replicas, withDriver.size()));
        if (minDomains < 2) minDomains = 0;
        int sitesNeeded = Math.max(1, minDomains);

        Set<String> jurisdictions = new LinkedHashSet<>();
        if (random.nextDouble() < 0.5) for (SiteInfo home : homes) jurisdictions.add(home.jurisdiction());
        List<SiteInfo> eligible = withDriver.stream()
                .filter(s -> jurisdictions.isEmpty() || jurisdictions.contains(s.jurisdiction()))
                .toList();
        if (eligible.size() < sitesNeeded) {
            jurisdictions.clear();
            eligible = withDriver;
        }

        Optional<Integer> maxLatencyMs = Optional.empty();
        boolean bounded = random.nextDouble() < 0.5;
        int slack = random.nextInt(4);
        if (bounded && !eligible.isEmpty()) {
            GeoPoint users = userPlaces.get(0);
            List<Double> rtts = eligible.stream()
                    .map(s -> EstimatedRtt.ms(users, s.location()))
                    .sorted(Comparator.naturalOrder())
                    .toList();
            // One site more than the spread needs, so one full site does not make the bound unmeetable.
            int within = Math.min(rtts.size(), sitesNeeded + 1 + slack);
            // Whole milliseconds, as users write them, and one more so the last site is inside.
            maxLatencyMs = Optional.of((int) Math.ceil(rtts.get(within - 1)) + 1);
        }

        List<UserPopulation> users = new ArrayList<>();
        for (int u = 0; u < homes.size(); u++) {
            users.add(new UserPopulation(
                    new UserRegion(
                            "users-" + index + "-near-" + homes.get(u).name(),
                            userPlaces.get(u),
                            u == 0 ? maxLatencyMs : Optional.empty()),
                    people.get(u)));
        }
        PlacementIntent intent = new PlacementIntent(
                jurisdictions,
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of(),
                users.stream().map(UserPopulation::region).toList(),
                minDomains > 0 ? Optional.of(new Spread(Domain.SITE, minDomains)) : Optional.empty(),
                AntiAffinity.NONE,
                random.nextDouble() < 0.7 ? Strategy.SPREAD : Strategy.PACK);
        ServiceSpec service = new ServiceSpec(
                String.format("svc-%05d", index),
                driver,
                List.of("app"),
                Map.of(),
                size,
                List.of(),
                Optional.empty(),
                replicas,
                RestartPolicy.ALWAYS,
                intent);
        return new Workload(service, users);
    }

    /** Somewhere within about 40 km of {@code p}: users live around a city, not at its centre. */
    private static GeoPoint near(SplittableRandom random, GeoPoint p) {
        double lat = Math.max(-89, Math.min(89, p.lat() + (random.nextDouble() - 0.5) * 0.7));
        double lon = p.lon() + (random.nextDouble() - 0.5) * 0.7;
        if (lon > 180) lon -= 360;
        if (lon < -180) lon += 360;
        return new GeoPoint(lat, lon);
    }

    private static int pick(SplittableRandom random, double[] weights) {
        double r = random.nextDouble();
        for (int i = 0; i < weights.length - 1; i++) {
            r -= weights[i];
            if (r < 0) return i;
        }
        return weights.length - 1;
    }

    private static Set<String> wireNames(Set<DriverKind> kinds) {
        Set<String> names = new HashSet<>();
        for (DriverKind k : kinds) names.add(k.wireName());
        return names;
    }
}
