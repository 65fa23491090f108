package dev.atoll.placement.rebalance;

import java.util.ArrayList;
import java.util.List;

/**
 * A plan as {@code atoll plan show} prints it: the objective term by term, before and after, then
 * the moves in the order they will be applied.
 */
public final class PlanReport {
    private PlanReport() {}

    public static String render(Plan plan) {
        StringBuilder out = new StringBuilder();
        ObjectiveScore b = plan.before();
        ObjectiveScore a = plan.after();
        List<String[]> terms = new ArrayList<>();
        terms.add(new String[] {"TERM", "BEFORE", "AFTER", "WEIGHT"});
        terms.add(row("hard violations", b.hard(), a.hard(), "-"));
        terms.add(row("draining", b.draining(), a.draining(), "-"));
        terms.add(row("overload", b.overload(), a.overload(), "-"));
        terms.add(row(
                "user latency (ms)", b.latency(), a.latency(), plan.weights().latency()));
        terms.add(row("spread", b.spread(), a.spread(), plan.weights().spread()));
        terms.add(row("energy", b.energy(), a.energy(), plan.weights().energy()));
        terms.add(row("moves", b.moves(), a.moves(), plan.weights().moves()));
        terms.add(row("weighted soft", b.weightedSoft(plan.weights()), a.weightedSoft(plan.weights()), "-"));
        table(out, terms);
        if (plan.pinned() > 0)
            out.append("Counted beside these, never moved: ")
                    .append(plan.pinned())
                    .append(plan.pinned() == 1 ? " replica" : " replicas")
                    .append(" of the same services elsewhere.\n");
        out.append('\n');
        if (plan.isEmpty()) {
            out.append("No moves: the placement is as good as the optimizer can make it.\n");
            return out.toString();
        }
        List<String[]> moves = new ArrayList<>();
        moves.add(new String[] {"#", "INSTANCE", "FROM", "TO"});
        int k = 1;
        for (Move m : plan.moves()) {
            moves.add(new String[] {
                String.valueOf(k++),
                m.id().display(),
                m.from().site() + "/" + m.from().node(),
                m.to().site() + "/" + (m.to().node() == null ? "*" : m.to().node())
            });
        }
        table(out, moves);
        return out.toString();
    }

    private static String[] row(String term, long before, long after, Object weight) {
        return new String[] {term, String.valueOf(before), String.valueOf(after), String.valueOf(weight)};
    }

    private static void table(StringBuilder out, List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) for (int c = 0; c < r.length; c++) width[c] = Math.max(width[c], r[c].length());
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                if (c > 0) line.append("  ");
                line.append(r[c]).append(" ".repeat(width[c] - r[c].length()));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
