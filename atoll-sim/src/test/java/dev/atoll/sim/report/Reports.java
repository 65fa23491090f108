package dev.atoll.sim.report;

import dev.atoll.sim.report.SimReport.InstanceBucket;
import dev.atoll.sim.report.SimReport.LatencyHistogram;
import dev.atoll.sim.report.SimReport.PlacementBucket;
import dev.atoll.sim.report.SimReport.Recovery;
import dev.atoll.sim.report.SimReport.SiteRow;
import dev.atoll.sim.report.SimReport.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small reports for the tests, built the way the simulator fills them. */
final class Reports {
    private Reports() {}

    /** A run of an hour with three sites, two faults (one never recovered) and one violation. */
    static SimReport aReport() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("deploys", 100L);
        counters.put("placements", 310L);
        counters.put("nodeCrashes", 1L);
        counters.put("siteCrashes", 1L);
        return new SimReport(
                "interoute-16",
                42,
                3600,
                12,
                1_234_567,
                512L * 1024 * 1024,
                counters,
                List.of(
                        aSite("london", 51.5, -0.1, 12, 20, true),
                        aSite("a<b&c", 0, 0, 4, 4, true),
                        aSite("sydney", -33.9, 151.2, 0, 8, false)),
                List.of(
                        new PlacementBucket(0, 200, 5, 20, 40),
                        new PlacementBucket(60, 0, Double.NaN, Double.NaN, Double.NaN),
                        new PlacementBucket(120, 110, 8, 30, 900)),
                List.of(new InstanceBucket(0, 10, 2, 0), new InstanceBucket(60, 30, 0, 1)),
                new LatencyHistogram(
                        List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0),
                        List.of(0L, 3L, 20L, 120L, 400L, 300L, 50L, 7L),
                        12.1,
                        48.3,
                        120,
                        5),
                List.of(
                        new Recovery(600, "node crash london/n3", 4, 5, 12),
                        new Recovery(1200, "site crash sydney", 10, 10, -1)),
                List.of(new Violation(
                        "no-overcommit",
                        1300,
                        "node london/n1 over by 2 cpus",
                        List.of("1299.9 offer accepted on london/n1", "1300.0 replica started <web-1>"))));
    }

    static SiteRow aSite(String name, double lat, double lon, int running, int peak, boolean up) {
        return new SiteRow(name, lat, lon, "GB", "EU", 3, running, peak, up);
    }

    /** A run that did nothing: every list empty, no latency samples. */
    static SimReport anEmptyReport() {
        return new SimReport(
                "empty",
                1,
                0,
                0,
                0,
                0,
                Map.of(),
                List.of(),
                List.of(),
                List.of(),
                new LatencyHistogram(List.of(), List.of(), Double.NaN, Double.NaN, Double.NaN, 0),
                List.of(),
                List.of());
    }

    /** The sample report with its scenario, sites and user latency replaced. */
    static SimReport variant(String scenario, List<SiteRow> sites, double userP50Ms) {
        SimReport r = aReport();
        LatencyHistogram users = r.userLatency();
        return new SimReport(
                scenario,
                r.seed(),
                r.simulatedSeconds(),
                r.wallSeconds(),
                r.eventsProcessed(),
                r.peakHeapBytes(),
                r.counters(),
                sites,
                r.placementLatency(),
                r.instances(),
                new LatencyHistogram(
                        users.edgesMs(), users.counts(), userP50Ms, users.p95Ms(), users.p99Ms(), users.unserved()),
                r.recoveries(),
                List.of());
    }

    static SimReport withSites(List<SiteRow> sites) {
        return variant("map", sites, 10);
    }

    static List<SiteRow> manySites(int count) {
        List<SiteRow> sites = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sites.add(aSite("site-" + i, -50 + (i * 7) % 110, -170 + (i * 13) % 340, i % 50, i % 50 + 3, i % 9 != 0));
        }
        return sites;
    }

    static SimReport withPlacements(List<PlacementBucket> buckets) {
        SimReport r = aReport();
        return new SimReport(
                "placements",
                r.seed(),
                r.simulatedSeconds(),
                r.wallSeconds(),
                r.eventsProcessed(),
                r.peakHeapBytes(),
                r.counters(),
                r.sites(),
                buckets,
                r.instances(),
                r.userLatency(),
                r.recoveries(),
                r.violations());
    }
}
