package dev.atoll.sim.scenario;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.ServiceSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Expands a workload into Deploy and Delete actions. Each arrival draws, in this order: its gap, a
 * mix entry, a tenant, a user population (nearUsers entries), a home site (other entries) and a
 * lifetime; so one seed gives one sequence.
 *
 * <p>Memory: the services of an arrival's spec are shared with every other arrival of the same
 * entry and population; only the environment (its name and service map) is new.
 */
final class WorkloadPlanner {
    private final Scenario.Workload workload;
    private final long durationMicros;
    private final List<String> sites;
    private final List<UserPopulation> users;
    private final SplittableRandom random;
    private final double[] mixCumulative;
    private final double[] userCumulative;
    private final int[] nearestSite;
    private final Map<String, ServiceSpec>[][] servicesNear;

    @SuppressWarnings("unchecked")
    WorkloadPlanner(
            Scenario.Workload workload,
            Duration duration,
            List<String> sites,
            List<GeoPoint> siteLocations,
            List<UserPopulation> users,
            SplittableRandom random) {
        this.workload = workload;
        this.durationMicros = micros(duration);
        this.sites = sites;
        this.users = users;
        this.random = random;
        mixCumulative = cumulative(
                workload.mix().stream().mapToDouble(Scenario.MixEntry::weight).toArray());
        userCumulative =
                cumulative(users.stream().mapToDouble(UserPopulation::users).toArray());
        nearestSite = new int[users.size()];
        for (int p = 0; p < users.size(); p++)
            nearestSite[p] = nearest(users.get(p).location(), siteLocations);
        servicesNear = new Map[workload.mix().size()][users.size()];
    }

    /** Appends every Deploy and Delete, in arrival order. */
    void expand(List<TimedAction> timeline) {
        var arrivals = workload.arrivals();
        int cap = Math.min(arrivals.count().orElse(WorkloadReader.MAX_ARRIVALS), WorkloadReader.MAX_ARRIVALS);
        double rate = arrivals.ratePerSecond();
        double ramp = arrivals.rampUp().toNanos() / 1e9;
        double work = 0; // unit-rate Poisson time, mapped onto the ramped rate
        for (int i = 0; i < cap; i++) {
            work += exponential(1.0);
            long at = Math.round(arrivalSeconds(work, rate, ramp) * 1e6);
            if (at >= durationMicros) break;
            int entryIndex = pick(mixCumulative);
            var entry = workload.mix().get(entryIndex);
            String tenant = entry.tenant().orElseGet(() -> workload.tenants()
                    .get(random.nextInt(workload.tenants().size())));
            Map<String, ServiceSpec> services;
            String home;
            if (entry.nearUsers()) {
                int population = pick(userCumulative);
                services = servicesNear(entryIndex, population);
                home = sites.get(nearestSite[population]);
            } else {
                services = entry.spec().services();
                home = sites.get(random.nextInt(sites.size()));
            }
            String name = entry.spec().name() + "-" + (i + 1);
            var spec = new EnvironmentSpec(name, tenant, services, entry.spec().networks());
            timeline.add(new TimedAction.Deploy(duration(at), spec, home));
            long life = lifetime(entry.lifetime());
            if (life >= 0 && at + life < durationMicros) {
                timeline.add(new TimedAction.Delete(duration(at + life), tenant, name));
            }
        }
    }

    /**
     * Seconds at which cumulative intensity reaches {@code work}: the rate rises linearly over the
     * ramp (intensity r t^2 / 2R), then stays at r.
     */
    static double arrivalSeconds(double work, double rate, double ramp) {
        if (ramp <= 0) return work / rate;
        double rampWork = rate * ramp / 2;
        if (work < rampWork) return Math.sqrt(2 * ramp * work / rate);
        return ramp + (work - rampWork) / rate;
    }

    /** The entry's services, each asked to run near the population; built once per pair. */
    private Map<String, ServiceSpec> servicesNear(int entryIndex, int population) {
        var cached = servicesNear[entryIndex][population];
        if (cached != null) return cached;
        var entry = workload.mix().get(entryIndex);
        var users = this.users.get(population);
        var region = new PlacementIntent.UserRegion(users.name(), users.location(), entry.maxLatencyMs());
        var services = new LinkedHashMap<String, ServiceSpec>();
        entry.spec().services().forEach((name, s) -> services.put(name, nearUsers(s, region)));
        var built = java.util.Collections.unmodifiableMap(services);
        servicesNear[entryIndex][population] = built;
        return built;
    }

    private static ServiceSpec nearUsers(ServiceSpec s, PlacementIntent.UserRegion region) {
        var p = s.placement();
        var placement = new PlacementIntent(
                p.jurisdictions(),
                p.countries(),
                p.sites(),
                p.avoidSites(),
                p.requireTags(),
                p.preferTags(),
                List.of(region),
                p.spread(),
                p.antiAffinity(),
                p.strategy());
        return new ServiceSpec(
                s.name(),
                s.driver(),
                s.command(),
                s.env(),
                s.resources(),
                s.ports(),
                s.health(),
                s.replicas(),
                s.restart(),
                placement,
                s.image(),
                s.readOnly(),
                s.mounts(),
                s.networks(),
                s.expose());
    }

    /** Microseconds, or -1 for forever. */
    private long lifetime(Scenario.Lifetime lifetime) {
        long min = micros(WorkloadReader.MIN_LIFETIME);
        return switch (lifetime) {
            case Scenario.Lifetime.Forever f -> -1;
            case Scenario.Lifetime.Between b -> {
                long lo = micros(b.min());
                long span = micros(b.max()) - lo;
                yield lo + (span == 0 ? 0 : (long) (random.nextDouble() * span));
            }
            case Scenario.Lifetime.Exponential e -> Math.max(min, Math.round(exponential(micros(e.mean()))));
        };
    }

    private double exponential(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private int pick(double[] cumulative) {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        int i = Arrays.binarySearch(cumulative, u);
        // Not found gives -(insertion point) - 1: the first entry whose cumulative weight is above u.
        i = i < 0 ? -i - 1 : i + 1;
        return Math.min(i, cumulative.length - 1);
    }

    private static double[] cumulative(double[] weights) {
        double[] c = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) c[i] = sum += weights[i];
        return c;
    }

    static int nearest(GeoPoint point, List<GeoPoint> locations) {
        int best = 0;
        double bestKm = Double.MAX_VALUE;
        for (int i = 0; i < locations.size(); i++) {
            double km = point.distanceKm(locations.get(i));
            if (km < bestKm) {
                bestKm = km;
                best = i;
            }
        }
        return best;
    }

    static long micros(Duration d) {
        return d.toNanos() / 1000;
    }

    static Duration duration(long micros) {
        return Duration.ofNanos(micros * 1000);
    }
}
