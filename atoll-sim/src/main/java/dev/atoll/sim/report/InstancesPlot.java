package dev.atoll.sim.report;

import dev.atoll.sim.report.Chart.LegendEntry;
import dev.atoll.sim.report.SimReport.InstanceBucket;
import java.util.List;
import java.util.function.ToLongFunction;

/** Instances by state over the run, over the whole cloud: running, pending and failed. */
final class InstancesPlot implements Plot {
    private static final Chart CHART = Chart.standard(260);
    private static final List<LegendEntry> LEGEND = List.of(
            new LegendEntry("running", "series running"),
            new LegendEntry("pending", "series pending"),
            new LegendEntry("failed", "series failed"));

    private final Scale x;
    private final Scale y;

    InstancesPlot(List<SimReport> reports) {
        double lastSecond = 0;
        long highest = 0;
        for (SimReport report : reports) {
            lastSecond = Math.max(lastSecond, report.simulatedSeconds());
            for (InstanceBucket bucket : report.instances()) {
                lastSecond = Math.max(lastSecond, bucket.startSecond());
                highest = Math.max(highest, Math.max(bucket.running(), Math.max(bucket.pending(), bucket.failed())));
            }
        }
        x = CHART.timeScale(lastSecond);
        y = Scale.fromZero(highest, CHART.plotBottom(), CHART.plotTop());
    }

    @Override
    public String title() {
        return "Instances over time";
    }

    @Override
    public String captionHtml() {
        return "At the end of each time bucket, over the whole cloud: <span class=\"key running\"></span>running,"
                + " <span class=\"key pending\"></span>pending, <span class=\"key failed\"></span>failed.";
    }

    @Override
    public String svg(SimReport report) {
        List<InstanceBucket> buckets = report.instances();
        if (buckets.isEmpty()) {
            return Svg.noData(title(), "no data: no instance counts recorded");
        }
        Svg svg = new Svg(title(), CHART.height());
        CHART.axes(svg, x, y, "simulated time (s)", "instances");
        series(svg, buckets, InstanceBucket::failed, "series failed");
        series(svg, buckets, InstanceBucket::pending, "series pending");
        series(svg, buckets, InstanceBucket::running, "series running");
        CHART.legend(svg, LEGEND);
        return svg.end();
    }

    private void series(Svg svg, List<InstanceBucket> buckets, ToLongFunction<InstanceBucket> count, String css) {
        double[] xs = new double[buckets.size()];
        double[] ys = new double[buckets.size()];
        for (int i = 0; i < buckets.size(); i++) {
            xs[i] = x.at(buckets.get(i).startSecond());
            ys[i] = y.at(count.applyAsLong(buckets.get(i)));
        }
        svg.path(Chart.polyline(xs, ys), css);
        Chart.dots(svg, xs, ys, css);
    }
}
