package dev.atoll.sim.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run with rebalancing beside the same run doing nothing (rebalancing off): how long nodes stayed
 * overloaded, how long drained nodes took to empty, and the moves it cost. What {@code atoll sim}
 * prints after a scenario that turns rebalancing on.
 */
public final class RebalanceComparison {
    private RebalanceComparison() {}

    private record Row(String label, String counter, boolean millis) {}

    private static final List<Row> ROWS = List.of(
            new Row("overloads (node went over)", "overloads", false),
            new Row("overloads still on at the end", "overloadsUnresolved", false),
            new Row("overloaded node-seconds", "overloadedNodeSeconds", false),
            new Row("time to resolve an overload, p50", "overloadResolveMsP50", true),
            new Row("time to resolve an overload, max", "overloadResolveMsMax", true),
            new Row("drained nodes emptied", "drainsEmptied", false),
            new Row("time to empty a drained node, max", "drainEmptyMsMax", true),
            new Row("moves the rebalancers asked for", "rebalanceMoves", false),
            new Row("of which the homes started", "rebalanceMovesStarted", false),
            new Row("moves completed (all deciders)", "movesCompleted", false),
            new Row("moves failed (original kept)", "movesFailed", false),
            new Row("invariants broken", null, false));

    public static String of(SimReport rebalancing, SimReport nothing) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", "REBALANCING", "NOTHING"});
        for (Row r : ROWS) {
            rows.add(new String[] {r.label(), value(rebalancing, r), value(nothing, r)});
        }
        int[] width = new int[3];
        for (String[] row : rows) for (int c = 0; c < 3; c++) width[c] = Math.max(width[c], row[c].length());
        StringBuilder out = new StringBuilder(
                rebalancing.scenario() + ", seed " + rebalancing.seed() + ": with rebalancing and doing nothing\n");
        for (String[] row : rows) {
            out.append(String.format(
                            Locale.ROOT,
                            "  %-" + width[0] + "s  %" + width[1] + "s  %" + width[2] + "s",
                            row[0],
                            row[1],
                            row[2]))
                    .append('\n');
        }
        return out.toString();
    }

    private static String value(SimReport report, Row row) {
        if (row.counter() == null) return String.valueOf(report.violations().size());
        long v = report.counters().getOrDefault(row.counter(), 0L);
        return row.millis() ? String.format(Locale.ROOT, "%.1f s", v / 1000.0) : String.valueOf(v);
    }
}
