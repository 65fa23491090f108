package dev.atoll.sim.report;

import java.util.List;
import java.util.Map;

/**
 * What one simulator run found, for people: the summary `atoll sim` prints, and what {@code
 * --report DIR} writes as report.json and plots in report.html. Times are simulated unless named
 * wall.
 *
 * @param counters named totals: deploys, deletes, placements, offersAccepted, offersRejected,
 *     unplaceable, nodeCrashes, siteCrashes, partitions, ... (insertion order is print order)
 * @param violations every invariant that broke, empty when the run held them all
 */
public record SimReport(
        String scenario,
        long seed,
        double simulatedSeconds,
        double wallSeconds,
        long eventsProcessed,
        long peakHeapBytes,
        Map<String, Long> counters,
        List<SiteRow> sites,
        List<PlacementBucket> placementLatency,
        List<InstanceBucket> instances,
        LatencyHistogram userLatency,
        List<Recovery> recoveries,
        List<Violation> violations) {
    public SimReport {
        counters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counters));
        sites = List.copyOf(sites);
        placementLatency = List.copyOf(placementLatency);
        instances = List.copyOf(instances);
        recoveries = List.copyOf(recoveries);
        violations = List.copyOf(violations);
    }

    /** Simulated seconds per wall second: above 1 is faster than real time. */
    public double speed() {
        return wallSeconds <= 0 ? 0 : simulatedSeconds / wallSeconds;
    }

    /** A site at the end of the run, for the world map. */
    public record SiteRow(
            String name,
            double lat,
            double lon,
            String country,
            String jurisdiction,
            int nodes,
            int runningAtEnd,
            int peakRunning,
            boolean upAtEnd) {}

    /**
     * Placements finished in one time bucket (from deploy, or from the loss that needed them, to the
     * replica running): how many and how long they took, in milliseconds.
     */
    public record PlacementBucket(double startSecond, long count, double p50Ms, double p95Ms, double maxMs) {}

    /** Instances by state at the end of a time bucket, over the whole cloud. */
    public record InstanceBucket(double startSecond, long running, long pending, long failed) {}

    /**
     * Round-trip latency from users to the nearest running replica of the services they use,
     * weighted by population: counts per bucket with upper edges {@code edgesMs}, the last
     * bucket open-ended. {@code unserved} counts samples where no replica was reachable.
     */
    public record LatencyHistogram(
            List<Double> edgesMs, List<Long> counts, double p50Ms, double p95Ms, double p99Ms, long unserved) {
        public LatencyHistogram {
            edgesMs = List.copyOf(edgesMs);
            counts = List.copyOf(counts);
        }

        /** Share of samples that reached a replica (1 when there were none). */
        public double availability() {
            long served = counts.stream().mapToLong(Long::longValue).sum();
            return served + unserved == 0 ? 1 : (double) served / (served + unserved);
        }
    }

    /**
     * One fault and what followed: when the cloud noticed (a replica placed again or a site given
     * up for dead) and when every replica it hit ran again; negative when it never did.
     */
    public record Recovery(
            double atSecond,
            String fault,
            int replicasHit,
            double detectedAfterSeconds,
            double recoveredAfterSeconds) {}

    /** An invariant that broke: which, when, and the last events before it. */
    public record Violation(String invariant, double atSecond, String detail, List<String> trace) {
        public Violation {
            trace = List.copyOf(trace);
        }
    }
}
