package dev.atoll.sim.scenario;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.model.topology.Topologies;
import dev.atoll.model.topology.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/** Turns the world a scenario describes into concrete sites, users and latency. */
final class Worlds {
    /** The simulator's sim driver runs every kind, so simulated nodes advertise all of them. */
    static final Set<String> SIM_DRIVERS = Set.of("process", "oci", "microvm");

    private static final double KM_PER_DEGREE = 111.32;

    private Worlds() {}

    /**
     * The concrete sites and, for each (same order), the point a region is measured from: its city's
     * centre for a generated site, its location for a listed one.
     */
    record Layout(Topology topology, List<GeoPoint> anchors) {
        List<String> siteNames() {
            var names = new ArrayList<String>(topology.sites().size());
            for (var s : topology.sites()) names.add(s.site().name());
            return names;
        }
    }

    /** With {@code jitter} null, generated sites sit at their city's centre (what the parser checks). */
    static Layout layout(Scenario.Sites sites, SplittableRandom jitter) {
        return switch (sites) {
            case Scenario.Sites.Listed listed -> {
                var anchors = new ArrayList<GeoPoint>();
                for (var s : listed.topology().sites()) anchors.add(s.site().location());
                yield new Layout(listed.topology(), anchors);
            }
            case Scenario.Sites.Generated generated -> generate(generated, jitter);
        };
    }

    private static Layout generate(Scenario.Sites.Generated generated, SplittableRandom jitter) {
        var cities = shareOut(generated.count());
        var sites = new ArrayList<Topology.SiteTopology>(cities.size());
        var anchors = new ArrayList<GeoPoint>(cities.size());
        int[] sitesInCity = new int[WorldCities.ALL.size()];
        for (int cityIndex : cities) {
            var city = WorldCities.ALL.get(cityIndex);
            int nth = ++sitesInCity[cityIndex];
            String name = nth == 1 ? city.name() : city.name() + "-" + nth;
            var location = jitter == null ? city.location() : offset(city.location(), generated.jitterKm(), jitter);
            var info =
                    new SiteInfo(name, location, city.country(), Topologies.jurisdictionOf(city.country()), Set.of());
            var nodes = new ArrayList<NodeInfo>(generated.nodes().size());
            // Node names, capacities and driver sets are shared by every site: 100,000 nodes cost
            // one small record each.
            for (var t : generated.nodes()) {
                nodes.add(new NodeInfo(
                        name, t.name(), t.capacity(), t.instanceSlots(), t.drivers(), t.tags(), t.driverDetails()));
            }
            sites.add(new Topology.SiteTopology(info, nodes));
            anchors.add(city.location());
        }
        return new Layout(new Topology(sites), anchors);
    }

    /**
     * Which city each of {@code count} sites goes to, in order: the Sainte-Laguë method (as for seats
     * in a parliament), so a city gets sites in proportion to its population and even a small count
     * lands in the largest cities. Deterministic: ties go to the city listed first.
     */
    static List<Integer> shareOut(int count) {
        var cities = WorldCities.ALL;
        int[] given = new int[cities.size()];
        Comparator<Integer> byQuotient = Comparator.<Integer>comparingDouble(
                        i -> -cities.get(i).populationThousands() / (2.0 * given[i] + 1))
                .thenComparingInt(i -> i);
        var queue = new PriorityQueue<Integer>(byQuotient);
        for (int i = 0; i < cities.size(); i++) queue.add(i);
        var result = new ArrayList<Integer>(count);
        for (int k = 0; k < count; k++) {
            int city = queue.poll();
            given[city]++;
            queue.add(city);
            result.add(city);
        }
        return result;
    }

    /** A point uniformly within {@code radiusKm} of {@code centre}. */
    private static GeoPoint offset(GeoPoint centre, double radiusKm, SplittableRandom random) {
        double distance = radiusKm * Math.sqrt(random.nextDouble());
        double bearing = 2 * Math.PI * random.nextDouble();
        double lat = centre.lat() + distance * Math.cos(bearing) / KM_PER_DEGREE;
        double cos = Math.max(0.01, Math.cos(Math.toRadians(centre.lat())));
        double lon = centre.lon() + distance * Math.sin(bearing) / (KM_PER_DEGREE * cos);
        lat = Math.max(-90, Math.min(90, lat));
        if (lon > 180) lon -= 360;
        if (lon < -180) lon += 360;
        return new GeoPoint(lat, lon);
    }

    static List<UserPopulation> users(Scenario.Users users) {
        return switch (users) {
            case Scenario.Users.Listed listed -> listed.populations();
            case Scenario.Users.Generated generated -> {
                var populations = new ArrayList<UserPopulation>(generated.count());
                for (var city : WorldCities.ALL.subList(0, generated.count())) {
                    populations.add(
                            new UserPopulation(city.name(), city.location(), city.populationThousands() * 1000));
                }
                yield List.copyOf(populations);
            }
        };
    }

    static IndexedSiteLatency latency(Scenario.Latency latency, Topology topology) {
        var names = new ArrayList<String>(topology.sites().size());
        var locations = new ArrayList<GeoPoint>(topology.sites().size());
        for (var s : topology.sites()) {
            names.add(s.site().name());
            locations.add(s.site().location());
        }
        return switch (latency) {
            case Scenario.Latency.GreatCircle gc ->
                new GreatCircleLatency(names, locations, gc.hopMs(), gc.inSiteMs(), gc.accessMs());
            case Scenario.Latency.Matrix m ->
                new MatrixLatency(names, locations, m.oneWayMs(), m.inSiteMs(), m.accessMs());
        };
    }
}
