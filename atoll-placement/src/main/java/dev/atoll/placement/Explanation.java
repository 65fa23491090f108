package dev.atoll.placement;

import dev.atoll.model.Quantities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why candidates were turned down, counted per reason in the order reasons were first met, e.g.
 * {@code "0 of 9 nodes fit: 6 outside jurisdiction EU, 3 short of memory (need 2Gi, most free 1Gi)"}.
 *
 * <p>It is a by-product of the filter pipeline (every rejection is counted as it happens), not a
 * second pass, so what users read is exactly what the selector did.
 *
 * @param subject what was considered, plural: {@code "nodes"} or {@code "sites"}
 * @param considered how many candidates were looked at
 * @param fit how many passed every hard filter
 * @param reasons the rejections, in the order first seen; counts add up to {@code considered - fit}
 */
public record Explanation(String subject, int considered, int fit, List<Reason> reasons) {
    public Explanation {
        reasons = List.copyOf(reasons);
    }

    /** One reason phrased for users ("short of memory (need 2Gi, most free 1Gi)") and how often. */
    public record Reason(String text, int count) {}

    /** The most frequent reason (the first met on a tie), if anything was rejected. */
    public Optional<Reason> primary() {
        Reason best = null;
        for (Reason r : reasons) if (best == null || r.count() > best.count()) best = r;
        return Optional.ofNullable(best);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder()
                .append(fit)
                .append(" of ")
                .append(considered)
                .append(' ')
                .append(subject);
        sb.append(" fit");
        for (int i = 0; i < reasons.size(); i++) {
            sb.append(i == 0 ? ": " : ", ")
                    .append(reasons.get(i).count())
                    .append(' ')
                    .append(reasons.get(i).text());
        }
        return sb.toString();
    }

    public static Tally tally(String subject) {
        return new Tally(subject);
    }

    /**
     * Counts rejections while a selector runs. Reasons are keyed by their text; a shortage keeps
     * the largest free amount seen so the user learns how far off the request is.
     */
    public static final class Tally {
        private final String subject;
        private final Map<String, Counter> counters = new LinkedHashMap<>();
        private int considered;
        private int fit;

        private Tally(String subject) {
            this.subject = subject;
        }

        public void considered() {
            considered++;
        }

        public void considered(int count) {
            considered += count;
        }

        public void fit() {
            fit++;
        }

        public int consideredCount() {
            return considered;
        }

        public int fitCount() {
            return fit;
        }

        public void reject(String reason) {
            reject(reason, 1);
        }

        public void reject(String reason, int count) {
            counters.computeIfAbsent(reason, k -> new Counter(Shortage.NONE, 0)).count += count;
        }

        /** A candidate lacked {@code need} of cpu or memory and had {@code free}. */
        public void shortOf(Shortage what, long need, long free) {
            shortOf(what, need, free, 1);
        }

        public void shortOf(Shortage what, long need, long free, int count) {
            Counter c = counters.computeIfAbsent(what.reason, k -> new Counter(what, need));
            c.count += count;
            c.mostFree = Math.max(c.mostFree, free);
        }

        public Explanation build() {
            List<Reason> reasons = new ArrayList<>(counters.size());
            counters.forEach((text, c) -> reasons.add(new Reason(c.what.describe(text, c.need, c.mostFree), c.count)));
            return new Explanation(subject, considered, fit, reasons);
        }

        private static final class Counter {
            final Shortage what;
            final long need;
            int count;
            long mostFree;

            Counter(Shortage what, long need) {
                this.what = what;
                this.need = need;
            }
        }
    }

    /** A resource a candidate can be short of; the detail names the need and the most free. */
    public enum Shortage {
        NONE(""),
        CPU("short of cpu"),
        MEMORY("short of memory");

        final String reason;

        Shortage(String reason) {
            this.reason = reason;
        }

        String describe(String text, long need, long mostFree) {
            return switch (this) {
                case NONE -> text;
                case CPU ->
                    reason + " (need " + Quantities.formatCpu(need) + ", most free " + Quantities.formatCpu(mostFree)
                            + ")";
                case MEMORY ->
                    reason + " (need " + Quantities.formatMemory(need) + ", most free "
                            + Quantities.formatMemory(mostFree) + ")";
            };
        }
    }
}
