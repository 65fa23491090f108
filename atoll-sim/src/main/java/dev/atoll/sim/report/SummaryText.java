package dev.atoll.sim.report;

import dev.atoll.sim.report.KeyFigures.Figure;
import dev.atoll.sim.report.SimReport.LatencyHistogram;
import dev.atoll.sim.report.SimReport.Recovery;
import dev.atoll.sim.report.SimReport.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What {@code atoll sim} prints when a run ends: a few lines a person reads in a terminal. */
public final class SummaryText {
    /** Lines printed at most for faults, and for each violation's trace; the report has them all. */
    static final int MOST_LINES = 100;

    private static final String INDENT = "  ";

    private SummaryText() {}

    /** The summary of one run. */
    public static String of(SimReport r) {
        StringBuilder out = new StringBuilder();
        out.append("scenario ")
                .append(r.scenario())
                .append(", seed ")
                .append(r.seed())
                .append('\n');
        out.append("simulated ")
                .append(Formats.seconds(r.simulatedSeconds()))
                .append(" in ")
                .append(Formats.seconds(r.wallSeconds()))
                .append(" wall (speed ")
                .append(Formats.speed(speed(r)))
                .append(" real time), ")
                .append(Formats.count(r.eventsProcessed()))
                .append(" events, peak heap ")
                .append(Formats.mebibytes(r.peakHeapBytes()))
                .append('\n');
        out.append("counters: ").append(counters(r.counters())).append('\n');
        PlacementOverall placement = PlacementOverall.of(r.placementLatency());
        out.append("placement latency: ");
        if (placement.count() == 0) {
            out.append("no placement finished\n");
        } else {
            out.append("p50 ")
                    .append(Formats.ms(placement.p50Ms()))
                    .append(", p95 ")
                    .append(Formats.ms(placement.p95Ms()))
                    .append(", max ")
                    .append(Formats.ms(placement.maxMs()))
                    .append(" over ")
                    .append(Formats.count(placement.count()))
                    .append(" placements\n");
        }
        out.append("user latency: ").append(userLatency(r.userLatency())).append('\n');
        recoveries(out, r.recoveries());
        violations(out, r.violations());
        return out.toString();
    }

    /**
     * The key figures of several runs of one scenario side by side, each with its ratio to the first:
     * "user latency p50  12.1 ms  48.3 ms  0.25" reads: the first run's p50 is a quarter of the
     * second's.
     */
    public static String comparison(List<SimReport> rs) {
        Variants variants = Variants.of(rs);
        List<String> names = variants.names();
        List<List<Figure>> figures = rs.stream().map(KeyFigures::of).toList();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[1 + 2 * rs.size() - 1];
        header[0] = "";
        for (int i = 0; i < rs.size(); i++) {
            header[1 + i] = names.get(i);
        }
        for (int i = 1; i < rs.size(); i++) {
            header[rs.size() + i] = names.get(0) + "/" + names.get(i);
        }
        rows.add(header);
        for (int f = 0; f < figures.get(0).size(); f++) {
            Figure first = figures.get(0).get(f);
            double[] values = new double[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                values[i] = figures.get(i).get(f).value();
            }
            rows.add(row(first.label(), values, first.unit()));
        }
        for (String counter : KeyFigures.counterNames(rs)) {
            double[] values = new double[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                Long value = rs.get(i).counters().get(counter);
                values[i] = value == null ? Double.NaN : value;
            }
            rows.add(row(counter, values, KeyFigures.Unit.COUNT));
        }
        StringBuilder out = new StringBuilder();
        out.append("scenario ")
                .append(variants.scenario())
                .append(": ")
                .append(String.join(" vs ", names))
                .append('\n');
        table(out, rows);
        for (int i = 0; i < rs.size(); i++) {
            List<Violation> violations = rs.get(i).violations();
            out.append(names.get(i)).append(": ");
            out.append(violations.isEmpty() ? "all invariants held" : violations.size() + " violations");
            out.append(violations.isEmpty() ? "" : ": " + violationNames(violations));
            out.append('\n');
        }
        return out.toString();
    }

    /** Simulated seconds per wall second, with no value when no wall time was measured. */
    static double speed(SimReport report) {
        return report.wallSeconds() > 0 ? report.speed() : Double.NaN;
    }

    /** What followed a fault: "4 replicas hit, detected after 5.0 s, recovered after 12.0 s". */
    static String outcome(Recovery recovery) {
        return recovery.replicasHit() + (recovery.replicasHit() == 1 ? " replica" : " replicas") + " hit, "
                + (recovery.detectedAfterSeconds() >= 0
                        ? "detected after " + Formats.seconds(recovery.detectedAfterSeconds())
                        : "never detected")
                + ", "
                + (recovery.recoveredAfterSeconds() >= 0
                        ? "recovered after " + Formats.seconds(recovery.recoveredAfterSeconds())
                        : "not recovered");
    }

    private static String[] row(String label, double[] values, KeyFigures.Unit unit) {
        String[] row = new String[1 + 2 * values.length - 1];
        row[0] = label;
        for (int i = 0; i < values.length; i++) {
            row[1 + i] = unit.format(values[i]);
        }
        for (int i = 1; i < values.length; i++) {
            row[values.length + i] = Formats.ratio(values[0], values[i]);
        }
        return row;
    }

    private static void table(StringBuilder out, List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(c == 0 ? pad(row[c], widths[c], false) : "  " + pad(row[c], widths[c], true));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String pad(String text, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - text.length()));
        return right ? spaces + text : text + spaces;
    }

    private static String counters(Map<String, Long> counters) {
        if (counters.isEmpty()) {
            return "none";
        }
        return counters.entrySet().stream()
                .map(e -> e.getKey() + " " + Formats.count(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String userLatency(LatencyHistogram histogram) {
        if (histogram == null
                || histogram.counts().stream().mapToLong(Long::longValue).sum() + histogram.unserved() == 0) {
            return "no samples";
        }
        return "p50 " + Formats.ms(histogram.p50Ms()) + ", p95 " + Formats.ms(histogram.p95Ms()) + ", p99 "
                + Formats.ms(histogram.p99Ms()) + ", availability " + Formats.share(histogram.availability());
    }

    private static void recoveries(StringBuilder out, List<Recovery> recoveries) {
        if (recoveries.isEmpty()) {
            out.append("recoveries: no faults\n");
            return;
        }
        out.append("recoveries (").append(recoveries.size()).append("):\n");
        recoveries.stream().limit(MOST_LINES).forEach(recovery -> out.append(INDENT)
                .append(recovery.fault())
                .append(" at ")
                .append(Formats.seconds(recovery.atSecond()))
                .append(": ")
                .append(outcome(recovery))
                .append('\n'));
        more(out, recoveries.size(), INDENT);
    }

    private static void violations(StringBuilder out, List<Violation> violations) {
        if (violations.isEmpty()) {
            out.append("violations: none, all invariants held\n");
            return;
        }
        out.append("violations (").append(violations.size()).append("):\n");
        violations.stream().limit(MOST_LINES).forEach(violation -> {
            out.append(INDENT)
                    .append(violation.invariant())
                    .append(" at ")
                    .append(Formats.seconds(violation.atSecond()))
                    .append(": ")
                    .append(violation.detail())
                    .append('\n');
            violation.trace().stream()
                    .limit(MOST_LINES)
                    .forEach(line ->
                            out.append(INDENT).append(INDENT).append(line).append('\n'));
            more(out, violation.trace().size(), INDENT + INDENT);
        });
        more(out, violations.size(), INDENT);
    }

    private static String violationNames(List<Violation> violations) {
        return violations.stream()
                        .limit(10)
                        .map(v -> v.invariant() + " at " + Formats.seconds(v.atSecond()))
                        .collect(Collectors.joining(", "))
                + (violations.size() > 10 ? ", ..." : "");
    }

    private static void more(StringBuilder out, int size, String indent) {
        if (size > MOST_LINES) {
            out.append(indent).append("... and ").append(size - MOST_LINES).append(" more in report.json\n");
        }
    }
}
