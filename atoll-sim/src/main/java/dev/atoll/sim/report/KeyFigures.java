package dev.atoll.sim.report;

import dev.atoll.sim.report.SimReport.Recovery;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The figures a reader compares first, in one order for the page and the comparison table. */
final class KeyFigures {
    private KeyFigures() {}

    enum Unit {
        SECONDS,
        MILLIS,
        SPEED,
        COUNT,
        MEBIBYTES,
        SHARE;

        String format(double value) {
            return switch (this) {
                case SECONDS -> Formats.seconds(value);
                case MILLIS -> Formats.ms(value);
                case SPEED -> Formats.speed(value);
                case COUNT -> Double.isFinite(value) ? Formats.count((long) value) : Formats.NONE;
                case MEBIBYTES -> Double.isFinite(value) ? Formats.mebibytes((long) value) : Formats.NONE;
                case SHARE -> Formats.share(value);
            };
        }
    }

    record Figure(String label, double value, Unit unit) {
        String formatted() {
            return unit.format(value);
        }
    }

    static List<Figure> of(SimReport report) {
        PlacementOverall placement = PlacementOverall.of(report.placementLatency());
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure("simulated time", report.simulatedSeconds(), Unit.SECONDS));
        figures.add(new Figure("wall time", report.wallSeconds(), Unit.SECONDS));
        figures.add(new Figure("speed (x real time)", SummaryText.speed(report), Unit.SPEED));
        figures.add(new Figure("events", report.eventsProcessed(), Unit.COUNT));
        figures.add(new Figure("peak heap", report.peakHeapBytes(), Unit.MEBIBYTES));
        figures.add(new Figure("placements", placement.count(), Unit.COUNT));
        figures.add(new Figure("placement latency p50", placement.p50Ms(), Unit.MILLIS));
        figures.add(new Figure("placement latency p95", placement.p95Ms(), Unit.MILLIS));
        // A report without a histogram still gets these rows, so comparison tables line up.
        SimReport.LatencyHistogram users = report.userLatency();
        figures.add(new Figure("user latency p50", users == null ? Double.NaN : users.p50Ms(), Unit.MILLIS));
        figures.add(new Figure("user latency p95", users == null ? Double.NaN : users.p95Ms(), Unit.MILLIS));
        figures.add(new Figure("user latency p99", users == null ? Double.NaN : users.p99Ms(), Unit.MILLIS));
        figures.add(new Figure("availability", users == null ? Double.NaN : users.availability(), Unit.SHARE));
        figures.add(new Figure("faults", report.recoveries().size(), Unit.COUNT));
        figures.add(new Figure("mean time to recover", meanTimeToRecover(report), Unit.SECONDS));
        figures.add(new Figure(
                "never recovered",
                report.recoveries().stream()
                        .filter(r -> r.recoveredAfterSeconds() < 0)
                        .count(),
                Unit.COUNT));
        figures.add(new Figure("violations", report.violations().size(), Unit.COUNT));
        return figures;
    }

    /** The counters of all reports, each name once, in the order they first appear. */
    static List<String> counterNames(List<SimReport> reports) {
        Set<String> names = new LinkedHashSet<>();
        reports.forEach(report -> names.addAll(report.counters().keySet()));
        return List.copyOf(names);
    }

    private static double meanTimeToRecover(SimReport report) {
        return report.recoveries().stream()
                .mapToDouble(Recovery::recoveredAfterSeconds)
                .filter(seconds -> seconds >= 0)
                .average()
                .orElse(Double.NaN);
    }
}
