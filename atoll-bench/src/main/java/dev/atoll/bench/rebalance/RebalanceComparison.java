package dev.atoll.bench.rebalance;

import dev.atoll.bench.peer.QuietLogs;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rebalancing compared, in one command ({@code ./atoll bench rebalance}): one generated cloud
 * placed by Atoll, three scenarios (hot spot, drain, user movement), three strategies (nothing,
 * DVMS neighbour scheduling, central Timefold), one table per scenario: time to resolve (simulated),
 * moves made (and between sites), moves aborted, wall time spent deciding, hard-constraint
 * violations seen after any step (must be 0), nodes still bad at the end, and user latency before
 * and after: from each service's users to its nearest replica (population-weighted, what users
 * see) and from each replica to its service's users (what the optimizer's latency term counts).
 */
public final class RebalanceComparison {
    private final RebalanceOptions options;
    private final PrintStream out;

    public RebalanceComparison(RebalanceOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        switch (RebalanceOptions.parse(args)) {
            case RebalanceOptions.Parsed.Help h -> System.out.print(RebalanceOptions.USAGE);
            case RebalanceOptions.Parsed.Invalid invalid -> {
                System.err.println("atoll bench rebalance: " + invalid.message());
                System.exit(2);
            }
            case RebalanceOptions.Parsed.Ok ok -> new RebalanceComparison(ok.options(), System.out).run();
        }
    }

    /** Runs every scenario under every strategy and prints them; returns the results, for tests. */
    public List<RunResult> run() {
        QuietLogs.apply();
        RebalanceWorld world = RebalanceWorld.generate(options.shape());
        var settings = RebalanceRun.Settings.defaults(options.shape().seed(), options.centralMoves());
        out.printf(
                Locale.ROOT,
                "Rebalancing on %s: %,d instances placed by Atoll (services it could not place whole left out)%n",
                options.shape(),
                world.layout().instances().size());
        out.printf(
                Locale.ROOT,
                "(simulated time, %d s ticks; overload: cpu > %.0f%% or memory > %.0f%% for %d s; a move takes %d s in a"
                        + " site, %d s between sites; central plans applied %d moves at a time; decide: wall time)%n%n",
                RebalanceRun.TICK_SECONDS,
                settings.policy().cpuThreshold() * 100,
                settings.policy().memoryThreshold() * 100,
                settings.policy().windowMillis() / 1000,
                RebalanceRun.IN_SITE_MOVE_SECONDS,
                RebalanceRun.CROSS_SITE_MOVE_SECONDS,
                settings.centralRate().maxInFlight());
        List<RunResult> results = new ArrayList<>();
        for (Scenario scenario : Scenario.values()) {
            out.println("== " + scenario.label + ": " + describe(scenario));
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {
                "strategy",
                "resolved after",
                "moves",
                "between sites",
                "aborted",
                "decide",
                "violations",
                "still bad",
                "nearest replica",
                "mean replica"
            });
            for (Strategy strategy : Strategy.values()) {
                RunResult r = RebalanceRun.run(world, scenario, strategy, settings);
                results.add(r);
                rows.add(new String[] {
                    strategy.label,
                    scenario == Scenario.USER_MOVEMENT
                            ? "-"
                            : r.resolvedAfterSeconds().isPresent()
                                    ? r.resolvedAfterSeconds().getAsLong() + " s"
                                    : "never",
                    String.valueOf(r.moves()),
                    String.valueOf(r.crossSiteMoves()),
                    String.valueOf(r.abortedMoves()),
                    String.format(Locale.ROOT, "%,d ms", r.decideMillis()),
                    String.valueOf(r.violations()),
                    String.valueOf(r.stillBad()),
                    String.format(Locale.ROOT, "%.1f -> %.1f ms", r.userLatencyBeforeMs(), r.userLatencyAfterMs()),
                    String.format(Locale.ROOT, "%.1f -> %.1f ms", r.replicaLatencyBeforeMs(), r.replicaLatencyAfterMs())
                });
                if (r.violations() > 0)
                    out.println("   first violation (" + strategy.label + "): " + r.firstViolation());
            }
            table(rows);
            out.println();
        }
        return results;
    }

    private static String describe(Scenario scenario) {
        return switch (scenario) {
            case HOT_SPOT ->
                "the instances of 3 nodes use " + Scenario.HOT_FACTOR + "x their cpu request from t=0" + " (others "
                        + Scenario.NORMAL_FACTOR + "x)";
            case DRAIN -> "2 nodes are drained at t=0";
            case USER_MOVEMENT ->
                "every service's users move near another site its jurisdiction allows at t=0"
                        + " (the central solve runs once the window has passed; nothing triggers the neighbours)";
        };
    }

    private void table(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) for (int c = 0; c < r.length; c++) width[c] = Math.max(width[c], r[c].length());
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                if (c > 0) line.append("  ");
                line.append(r[c]).append(" ".repeat(width[c] - r[c].length()));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
