package dev.atoll.sim.report;

import dev.atoll.sim.report.Chart.LegendEntry;
import dev.atoll.sim.report.SimReport.PlacementBucket;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** How long placements took over the run: p50 and p95 per time bucket, the maximum faint. */
final class PlacementLatencyPlot implements Plot {
    private static final Chart CHART = Chart.standard(280);
    private static final List<LegendEntry> LEGEND = List.of(
            new LegendEntry("p50", "series p50"),
            new LegendEntry("p95", "series p95"),
            new LegendEntry("max", "series max"));

    private final Scale x;
    private final Scale y;

    PlacementLatencyPlot(List<SimReport> reports) {
        double lastSecond = 0;
        double lowest = Double.POSITIVE_INFINITY;
        double highest = 0;
        for (SimReport report : reports) {
            lastSecond = Math.max(lastSecond, report.simulatedSeconds());
            for (PlacementBucket bucket : finished(report)) {
                lastSecond = Math.max(lastSecond, bucket.startSecond());
                for (double ms : new double[] {bucket.p50Ms(), bucket.p95Ms(), bucket.maxMs()}) {
                    if (Double.isFinite(ms) && ms > 0) {
                        lowest = Math.min(lowest, ms);
                        highest = Math.max(highest, ms);
                    }
                }
            }
        }
        x = CHART.timeScale(lastSecond);
        y = Scale.forPositive(lowest, highest, CHART.plotBottom(), CHART.plotTop());
    }

    @Override
    public String title() {
        return "Placement latency over time";
    }

    @Override
    public String captionHtml() {
        return "From deploy, or from the loss that needed a new replica, to the replica running; per time"
                + " bucket: <span class=\"key p50\"></span>p50, <span class=\"key p95\"></span>p95,"
                + " <span class=\"key max\"></span>max.";
    }

    @Override
    public String svg(SimReport report) {
        List<PlacementBucket> buckets = finished(report);
        if (buckets.isEmpty()) {
            return Svg.noData(title(), "no data: no placement finished");
        }
        Svg svg = new Svg(title(), CHART.height());
        CHART.axes(svg, x, y, "simulated time (s)", "ms");
        series(svg, buckets, PlacementBucket::maxMs, "series max");
        series(svg, buckets, PlacementBucket::p95Ms, "series p95");
        series(svg, buckets, PlacementBucket::p50Ms, "series p50");
        CHART.legend(svg, LEGEND);
        return svg.end();
    }

    private void series(Svg svg, List<PlacementBucket> buckets, ToDoubleFunction<PlacementBucket> ms, String css) {
        double[] xs = new double[buckets.size()];
        double[] ys = new double[buckets.size()];
        for (int i = 0; i < buckets.size(); i++) {
            xs[i] = x.at(buckets.get(i).startSecond());
            double value = ms.applyAsDouble(buckets.get(i));
            ys[i] = Double.isFinite(value) ? y.at(value) : Double.NaN;
        }
        svg.path(Chart.polyline(xs, ys), css);
        Chart.dots(svg, xs, ys, css);
    }

    /** Buckets where placements finished: the others have no latency to show. */
    private static List<PlacementBucket> finished(SimReport report) {
        return report.placementLatency().stream().filter(b -> b.count() > 0).toList();
    }
}
