package dev.atoll.sim.report;

import dev.atoll.sim.report.SimReport.PlacementBucket;
import java.util.List;

/**
 * Placement latency over the whole run, estimated from the buckets: a report keeps quantiles per
 * bucket, not every sample. Each bucket stands for a distribution through (0 ms, 0), (p50, 0.5),
 * (p95, 0.95) and (max, 1), linear in between; the run's quantile is that of their mixture, each
 * weighted by its count. With one bucket it is that bucket's p50 and p95 exactly.
 */
record PlacementOverall(long count, double p50Ms, double p95Ms, double maxMs) {
    private static final int BISECTIONS = 60;

    static PlacementOverall of(List<PlacementBucket> buckets) {
        List<PlacementBucket> usable = buckets.stream()
                .filter(b -> b.count() > 0
                        && Double.isFinite(b.p50Ms())
                        && Double.isFinite(b.p95Ms())
                        && Double.isFinite(b.maxMs()))
                .toList();
        long count = usable.stream().mapToLong(PlacementBucket::count).sum();
        if (count == 0) {
            return new PlacementOverall(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double max = usable.stream()
                .mapToDouble(b -> Math.max(b.maxMs(), Math.max(b.p95Ms(), b.p50Ms())))
                .max()
                .orElse(0);
        return new PlacementOverall(count, quantile(usable, count, 0.5, max), quantile(usable, count, 0.95, max), max);
    }

    /** The smallest latency at which the mixture reaches {@code q}, by bisection. */
    private static double quantile(List<PlacementBucket> buckets, long count, double q, double max) {
        double low = 0;
        double high = max;
        for (int i = 0; i < BISECTIONS; i++) {
            double middle = (low + high) / 2;
            if (share(buckets, count, middle) >= q) {
                high = middle;
            } else {
                low = middle;
            }
        }
        return high;
    }

    private static double share(List<PlacementBucket> buckets, long count, double ms) {
        double below = 0;
        for (PlacementBucket bucket : buckets) {
            below += bucket.count() * cumulative(bucket, ms);
        }
        return below / count;
    }

    private static double cumulative(PlacementBucket bucket, double ms) {
        double p50 = Math.max(0, bucket.p50Ms());
        double p95 = Math.max(p50, bucket.p95Ms());
        double max = Math.max(p95, bucket.maxMs());
        double[] xs = {p50, p95, max};
        double[] shares = {0.5, 0.95, 1};
        double previousX = 0;
        double previousShare = 0;
        for (int i = 0; i < xs.length; i++) {
            if (ms < xs[i]) {
                return previousShare + (shares[i] - previousShare) * (ms - previousX) / (xs[i] - previousX);
            }
            previousX = xs[i];
            previousShare = shares[i];
        }
        return 1;
    }
}
