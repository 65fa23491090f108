package dev.atoll.sim.report;

import dev.atoll.sim.report.SimReport.LatencyHistogram;
import java.util.List;

/**
 * Where users' round trips fell: one bar per histogram bucket as a share of all samples, the
 * samples no replica answered as a red bar at the end, and p50, p95 and p99 marked.
 */
final class UserLatencyPlot implements Plot {
    private static final Chart CHART = new Chart(280, 56, 16, 52, 40);
    private static final int MOST_EDGE_LABELS = 12;

    private final Scale y;

    UserLatencyPlot(List<SimReport> reports) {
        double highestShare = 0;
        for (SimReport report : reports) {
            LatencyHistogram histogram = report.userLatency();
            long total = histogram == null ? 0 : samples(histogram);
            if (total == 0) {
                continue;
            }
            for (long count : histogram.counts()) {
                highestShare = Math.max(highestShare, (double) count / total);
            }
            highestShare = Math.max(highestShare, (double) histogram.unserved() / total);
        }
        y = Scale.fromZero(highestShare * 100, CHART.plotBottom(), CHART.plotTop());
    }

    @Override
    public String title() {
        return "User latency";
    }

    @Override
    public String captionHtml() {
        return "Round trips from users to the nearest running replica, weighted by population, as a share of"
                + " samples per bucket (upper edges in ms); <span class=\"key unserved\"></span>no replica reachable.";
    }

    @Override
    public String svg(SimReport report) {
        LatencyHistogram histogram = report.userLatency();
        long total = histogram == null ? 0 : samples(histogram);
        if (total == 0) {
            return Svg.noData(title(), "no data: no user latency samples");
        }
        List<Long> counts = histogram.counts();
        int bars = counts.size() + (histogram.unserved() > 0 ? 1 : 0);
        double barWidth = (CHART.plotRight() - CHART.plotLeft()) / bars;
        Svg svg = new Svg(title(), CHART.height());
        for (double tick : y.ticks()) {
            svg.line(CHART.plotLeft(), y.at(tick), CHART.plotRight(), y.at(tick), "grid");
            svg.text(CHART.plotLeft() - 6, y.at(tick) + 4, "end", "tick", Formats.tick(tick));
        }
        svg.text(CHART.plotLeft() - 6, CHART.plotTop() - 8, "end", "unit", "%");
        for (int i = 0; i < counts.size(); i++) {
            double share = 100.0 * counts.get(i) / total;
            double left = CHART.plotLeft() + i * barWidth;
            svg.rect(
                    left + 1,
                    y.at(share),
                    barWidth - 2,
                    CHART.plotBottom() - y.at(share),
                    "bar",
                    bucketName(histogram, i) + ": " + Formats.count(counts.get(i)) + " samples ("
                            + Formats.number(share) + "%)");
        }
        if (histogram.unserved() > 0) {
            double share = 100.0 * histogram.unserved() / total;
            double left = CHART.plotLeft() + counts.size() * barWidth;
            svg.rect(
                    left + 1,
                    y.at(share),
                    barWidth - 2,
                    CHART.plotBottom() - y.at(share),
                    "bar unserved",
                    "no replica reachable: " + Formats.count(histogram.unserved()) + " samples ("
                            + Formats.number(share) + "%)");
            svg.text(left + barWidth / 2, CHART.plotBottom() + 16, "middle", "tick", "none");
        }
        edgeLabels(svg, histogram, barWidth);
        svg.line(CHART.plotLeft(), CHART.plotBottom(), CHART.plotRight(), CHART.plotBottom(), "axis");
        svg.text((CHART.plotLeft() + CHART.plotRight()) / 2, CHART.height() - 6, "middle", "unit", "latency (ms)");
        percentile(svg, histogram, histogram.p50Ms(), "p50", 0, barWidth);
        percentile(svg, histogram, histogram.p95Ms(), "p95", 1, barWidth);
        percentile(svg, histogram, histogram.p99Ms(), "p99", 2, barWidth);
        svg.text(
                CHART.plotLeft(),
                16,
                "start",
                "headline",
                "availability " + Formats.share(histogram.availability()) + " of " + Formats.count(total) + " samples");
        return svg.end();
    }

    private void edgeLabels(Svg svg, LatencyHistogram histogram, double barWidth) {
        List<Double> edges = histogram.edgesMs();
        int boundaries = Math.min(edges.size(), histogram.counts().size());
        int every = Math.max(1, (int) Math.ceil((double) boundaries / MOST_EDGE_LABELS));
        for (int i = 0; i < boundaries; i++) {
            double at = CHART.plotLeft() + (i + 1) * barWidth;
            svg.line(at, CHART.plotBottom(), at, CHART.plotBottom() + 4, "axis");
            if (i % every == 0) {
                svg.text(at, CHART.plotBottom() + 16, "middle", "tick", Formats.tick(edges.get(i)));
            }
        }
    }

    /** A dashed line where the percentile falls, placed linearly inside its bucket. */
    private void percentile(Svg svg, LatencyHistogram histogram, double ms, String name, int row, double barWidth) {
        if (!Double.isFinite(ms)) {
            return;
        }
        double at = CHART.plotLeft() + bucketPosition(histogram, ms) * barWidth;
        svg.line(at, CHART.plotTop() - 14 + row * 12, at, CHART.plotBottom(), "mark " + name);
        svg.text(at + 3, CHART.plotTop() - 16 + row * 12 + 8, "start", "marklabel", name + " " + Formats.ms(ms));
    }

    /** Where {@code ms} falls on the bar axis, in bars from the left edge. */
    static double bucketPosition(LatencyHistogram histogram, double ms) {
        List<Double> edges = histogram.edgesMs();
        int buckets = histogram.counts().size();
        double lower = 0;
        for (int i = 0; i < buckets; i++) {
            if (i >= edges.size()) {
                // The open-ended last bucket has no width to interpolate in.
                return i + 0.5;
            }
            double upper = edges.get(i);
            if (ms <= upper) {
                double width = upper - lower;
                double within = width > 0 ? (ms - lower) / width : 1;
                return i + Math.max(0, Math.min(1, within));
            }
            lower = upper;
        }
        return buckets;
    }

    private static String bucketName(LatencyHistogram histogram, int i) {
        List<Double> edges = histogram.edgesMs();
        String lower = i == 0 ? "0" : Formats.tick(edges.get(i - 1));
        return i < edges.size()
                ? lower + " to " + Formats.tick(edges.get(i)) + " ms"
                : "over " + (edges.isEmpty() ? "0" : Formats.tick(edges.get(edges.size() - 1))) + " ms";
    }

    private static long samples(LatencyHistogram histogram) {
        return histogram.counts().stream().mapToLong(Long::longValue).sum() + histogram.unserved();
    }
}
