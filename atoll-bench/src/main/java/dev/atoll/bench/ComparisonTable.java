package dev.atoll.bench;

import dev.atoll.bench.check.ConstraintChecker;
import dev.atoll.bench.check.Quality;
import dev.atoll.bench.check.Violations;
import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.peer.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outcomes of several systems on one instance, judged by the same checker and printed side by
 * side with their ratios to Atoll: time (how many times longer than Atoll), nodes used and mean user
 * latency (system / Atoll).
 */
final class ComparisonTable {
    /** One system's line: what it did and how the checker judged it. */
    record Row(Outcome outcome, Optional<Violations> violations, Optional<Quality> quality) {
        double seconds() {
            return outcome instanceof Outcome.Placed p ? p.elapsed().toNanos() / 1e9 : Double.NaN;
        }

        double placementsPerSecond() {
            return quality.map(q -> q.placed() / seconds()).orElse(Double.NaN);
        }
    }

    private final String title;
    private final PlacementInstance instance;
    private final List<Row> rows = new ArrayList<>();

    ComparisonTable(String title, PlacementInstance instance) {
        this.title = title;
        this.instance = instance;
    }

    Row add(Outcome outcome) {
        Row row =
                switch (outcome) {
                    case Outcome.Placed p ->
                        new Row(
                                p,
                                Optional.of(ConstraintChecker.check(instance, p.nodeOf())),
                                Optional.of(Quality.of(instance, p.nodeOf())));
                    case Outcome.NotAvailable n -> new Row(n, Optional.empty(), Optional.empty());
                };
        rows.add(row);
        return row;
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    String render() {
        Row atoll = rows.isEmpty() ? null : rows.get(0);
        String[] header = {
            "system",
            "time",
            "placements/s",
            "violations",
            "nodes used",
            "spread",
            "user latency",
            "unplaced",
            "time x",
            "nodes x",
            "latency x"
        };
        List<String[]> lines = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Row row : rows) {
            switch (row.outcome()) {
                case Outcome.NotAvailable n -> {
                    lines.add(new String[] {n.system(), "not available: " + n.why()});
                }
                case Outcome.Placed p -> {
                    Quality q = row.quality().orElseThrow();
                    Quality a = atoll.quality().orElseThrow();
                    lines.add(new String[] {
                        p.system(),
                        String.format("%.3f s", row.seconds()),
                        String.format("%,.0f", row.placementsPerSecond()),
                        row.violations().orElseThrow().describe(),
                        String.format("%,d", q.nodesUsed()),
                        Double.isNaN(q.spread()) ? "-" : String.format("%.2f", q.spread()),
                        Double.isNaN(q.meanUserLatencyMs()) ? "-" : String.format("%.1f ms", q.meanUserLatencyMs()),
                        String.format("%,d", q.unplaced()),
                        ratio(row.seconds(), atoll.seconds()),
                        ratio(q.nodesUsed(), a.nodesUsed()),
                        ratio(q.meanUserLatencyMs(), a.meanUserLatencyMs())
                    });
                    if (!p.note().isEmpty()) notes.add(p.system() + ": " + p.note());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("== ").append(title).append(": ").append(describe()).append('\n');
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) width[c] = header[c].length();
        for (String[] line : lines) {
            if (line.length != header.length) continue;
            for (int c = 0; c < line.length; c++) width[c] = Math.max(width[c], line[c].length());
        }
        appendLine(out, header, width);
        for (String[] line : lines) {
            if (line.length == header.length) appendLine(out, line, width);
            else
                out.append(pad(line[0], width[0], true))
                        .append("  ")
                        .append(line[1])
                        .append('\n');
        }
        for (String note : notes) out.append("   note: ").append(note).append('\n');
        return out.toString();
    }

    private String describe() {
        long demand = 0;
        for (var w : instance.workloads())
            demand += w.service().resources().cpuMillis() * w.service().replicas();
        long capacity = 0;
        for (var n : instance.nodes()) capacity += n.capacity().cpuMillis();
        return String.format(
                "%,d instances of %,d services onto %,d nodes in %,d sites (seed %d; they ask for %.0f%% of the cpu)",
                instance.instanceCount(),
                instance.workloads().size(),
                instance.nodes().size(),
                instance.sites().size(),
                instance.seed(),
                100.0 * demand / capacity);
    }

    private static void appendLine(StringBuilder out, String[] cells, int[] width) {
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) out.append("  ");
            // The system's name reads left-aligned, figures right-aligned so digits line up.
            out.append(pad(cells[c], width[c], c == 0 || c == 3));
        }
        out.append('\n');
    }

    private static String pad(String s, int width, boolean left) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return left ? s + fill : fill + s;
    }

    private static String ratio(double value, double atoll) {
        if (Double.isNaN(value) || Double.isNaN(atoll) || atoll == 0) return "-";
        double r = value / atoll;
        return r >= 100 ? String.format("%,.0f", r) : String.format("%.2f", r);
    }
}
