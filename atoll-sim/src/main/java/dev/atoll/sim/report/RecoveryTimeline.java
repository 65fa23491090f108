package dev.atoll.sim.report;

import dev.atoll.sim.report.SimReport.Recovery;
import java.util.Comparator;
import java.util.List;

/**
 * One row per fault on the run's time axis: a mark when it struck, a mark when the cloud noticed,
 * and a bar until every replica it hit ran again, or a red bar to the end when they never did.
 */
final class RecoveryTimeline implements Plot {
    /** Rows drawn at most; report.json keeps them all. */
    static final int MOST_ROWS = 100;

    private static final double LABEL_WIDTH = 190;
    private static final double ROW = 18;
    private static final double TOP = 24;
    private static final double BOTTOM = 40;

    private final double lastSecond;

    RecoveryTimeline(List<SimReport> reports) {
        double last = 0;
        for (SimReport report : reports) {
            last = Math.max(last, report.simulatedSeconds());
            for (Recovery recovery : report.recoveries()) {
                last = Math.max(last, recovery.atSecond() + Math.max(0, recovery.recoveredAfterSeconds()));
            }
        }
        lastSecond = last;
    }

    @Override
    public String title() {
        return "Recoveries";
    }

    @Override
    public String captionHtml() {
        return "Per fault: <span class=\"key fault\"></span>when it struck, <span class=\"key detected\"></span>when"
                + " the cloud noticed, <span class=\"key recovered\"></span>until every replica it hit ran again,"
                + " <span class=\"key open\"></span>never recovered.";
    }

    @Override
    public String svg(SimReport report) {
        List<Recovery> recoveries = report.recoveries().stream()
                .sorted(Comparator.comparingDouble(Recovery::atSecond))
                .toList();
        if (recoveries.isEmpty()) {
            return Svg.noData(title(), "no data: no faults");
        }
        List<Recovery> shown = recoveries.subList(0, Math.min(MOST_ROWS, recoveries.size()));
        int extraRow = recoveries.size() > shown.size() ? 1 : 0;
        double height = TOP + (shown.size() + extraRow) * ROW + BOTTOM;
        Chart chart = new Chart(height, LABEL_WIDTH, 16, TOP, BOTTOM);
        Scale x = chart.timeScale(lastSecond);
        double end = x.at(report.simulatedSeconds());
        Svg svg = new Svg(title(), height);
        for (double tick : x.ticks()) {
            svg.line(x.at(tick), chart.plotTop(), x.at(tick), chart.plotBottom(), "grid");
        }
        chart.xAxis(svg, x, "simulated time (s)");
        for (int i = 0; i < shown.size(); i++) {
            row(svg, x, end, shown.get(i), TOP + i * ROW);
        }
        if (extraRow == 1) {
            svg.text(
                    LABEL_WIDTH - 8,
                    TOP + shown.size() * ROW + 13,
                    "end",
                    "label",
                    "and " + (recoveries.size() - shown.size()) + " more in report.json");
        }
        return svg.end();
    }

    private static void row(Svg svg, Scale x, double runEnd, Recovery recovery, double top) {
        double struck = x.at(recovery.atSecond());
        boolean recovered = recovery.recoveredAfterSeconds() >= 0;
        svg.group(tooltip(recovery));
        svg.text(LABEL_WIDTH - 8, top + 13, "end", "label", Formats.shorten(recovery.fault(), 30));
        double barEnd =
                recovered ? x.at(recovery.atSecond() + recovery.recoveredAfterSeconds()) : Math.max(runEnd, struck);
        svg.rect(struck, top + 4, Math.max(1, barEnd - struck), ROW - 8, recovered ? "recovered" : "open", null);
        svg.rect(struck - 1.5, top + 1, 3, ROW - 2, "fault", null);
        if (recovery.detectedAfterSeconds() >= 0) {
            double detected = x.at(recovery.atSecond() + recovery.detectedAfterSeconds());
            svg.rect(detected - 1.5, top + 3, 3, ROW - 6, "detected", null);
        }
        // Recoveries of seconds vanish on an axis of hours: the figure is written beside the bar.
        String outcome = recovered ? Formats.seconds(recovery.recoveredAfterSeconds()) : "not recovered";
        double room = x.to() - barEnd;
        if (room > outcome.length() * 6.5 + 8) {
            svg.text(barEnd + 5, top + 13, "start", "label", outcome);
        } else {
            svg.text(Math.min(barEnd, x.to()) - 5, top + 13, "end", "label", outcome);
        }
        svg.endGroup();
    }

    private static String tooltip(Recovery recovery) {
        return recovery.fault() + " at " + Formats.seconds(recovery.atSecond()) + ": " + SummaryText.outcome(recovery);
    }
}
