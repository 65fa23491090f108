package dev.atoll.bench;

import dev.atoll.bench.ComparisonOptions.Peer;
import dev.atoll.bench.check.Quality;
import dev.atoll.bench.check.Violations;
import dev.atoll.bench.instance.InstanceGenerator;
import dev.atoll.bench.instance.InstanceShape;
import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.peer.AtollSystem;
import dev.atoll.bench.peer.BtrPlaceSystem;
import dev.atoll.bench.peer.CloudSimSystem;
import dev.atoll.bench.peer.PlacementSystem;
import dev.atoll.bench.peer.TimefoldSystem;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Placement against peers, in one command ({@code ./atoll bench placement}): generates one
 * instance from a seed, places it with Atoll and with CloudSim Plus's allocation policies, and
 * smaller slices of the same kind with BtrPlace and Timefold (each beside Atoll and CloudSim Plus
 * first fit); judges every placement with the same independent checker; prints one table per
 * instance with ratios to Atoll, then the goal: Atoll at 50,000 placements/s or more with no
 * violation, and better quality than CloudSim Plus first fit.
 */
public final class PeerComparison {
    /** Issue 7's goal for the 100,000-instance placement, on 2 cores. */
    static final double GOAL_PLACEMENTS_PER_SECOND = 50_000;

    /** The instance the goal is set for. */
    static final InstanceShape GOAL_SHAPE = new InstanceShape(100_000, 5_000, 100, 1);

    private final ComparisonOptions options;
    private final PrintStream out;

    PeerComparison(ComparisonOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        switch (ComparisonOptions.parse(args)) {
            case ComparisonOptions.Parsed.Help h -> System.out.print(ComparisonOptions.USAGE);
            case ComparisonOptions.Parsed.Invalid invalid -> {
                System.err.println("atoll bench placement: " + invalid.message());
                System.exit(2);
            }
            case ComparisonOptions.Parsed.Ok ok -> new PeerComparison(ok.options(), System.out).run();
        }
    }

    /** Runs every comparison and prints them; returns the tables, for tests. */
    List<ComparisonTable> run() {
        out.printf(
                "Placement against peers on %d cores, Java %s, max heap %,d MiB%n",
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20);
        out.println("(time: the placement alone; violations: by the independent checker; spread: distinct sites"
                + " / sites asked; user latency: population-weighted RTT to the nearest replica;"
                + " x: ratio to Atoll)");
        out.println();
        List<ComparisonTable> tables = new ArrayList<>();

        ComparisonTable main = table("main instance", options.main(), mainSystems());
        tables.add(main);
        printGoals(main);

        if (options.peers().contains(Peer.BTRPLACE)) {
            tables.add(table(
                    "BtrPlace slice",
                    options.btrplaceSlice(),
                    sliceSystems(new BtrPlaceSystem(options.btrplaceSeconds()))));
        }
        if (options.peers().contains(Peer.TIMEFOLD)) {
            tables.add(table(
                    "Timefold slice",
                    options.timefoldSlice(),
                    sliceSystems(new TimefoldSystem(Duration.ofSeconds(options.timefoldSeconds())))));
        }
        return tables;
    }

    private List<PlacementSystem> mainSystems() {
        List<PlacementSystem> systems = new ArrayList<>();
        systems.add(new AtollSystem(1, options.atollRuns()));
        if (options.peers().contains(Peer.CLOUDSIM)) {
            for (CloudSimSystem.Policy p : CloudSimSystem.Policy.values()) systems.add(cloudSim(p));
        }
        return systems;
    }

    private List<PlacementSystem> sliceSystems(PlacementSystem peer) {
        List<PlacementSystem> systems = new ArrayList<>();
        systems.add(new AtollSystem(1, options.atollRuns()));
        if (options.peers().contains(Peer.CLOUDSIM)) systems.add(cloudSim(CloudSimSystem.Policy.FIRST_FIT));
        systems.add(peer);
        return systems;
    }

    private CloudSimSystem cloudSim(CloudSimSystem.Policy policy) {
        return new CloudSimSystem(policy, Duration.ofSeconds(options.cloudsimSeconds()));
    }

    private ComparisonTable table(String title, InstanceShape shape, List<PlacementSystem> systems) {
        PlacementInstance instance = InstanceGenerator.generate(shape);
        ComparisonTable table = new ComparisonTable(title, instance);
        for (PlacementSystem system : systems) {
            out.printf("   placing with %s...%n", system.name());
            table.add(system.place(instance));
        }
        out.print(table.render());
        out.println();
        return table;
    }

    private void printGoals(ComparisonTable main) {
        ComparisonTable.Row atoll = main.rows().get(0);
        Violations v = atoll.violations().orElseThrow();
        double rate = atoll.placementsPerSecond();
        boolean fast = rate >= GOAL_PLACEMENTS_PER_SECOND && v.total() == 0;
        InstanceShape shape = options.main();
        String scope = shape.instances() == GOAL_SHAPE.instances()
                        && shape.nodes() == GOAL_SHAPE.nodes()
                        && shape.sites() == GOAL_SHAPE.sites()
                ? ""
                : String.format(
                        "; measured on %,d instances, the goal is set for %,d onto %,d nodes in %,d sites",
                        shape.instances(), GOAL_SHAPE.instances(), GOAL_SHAPE.nodes(), GOAL_SHAPE.sites());
        out.printf(
                "goal: Atoll >= %,.0f placements/s with 0 violations: %s (%,.0f/s, %s violations%s)%n",
                GOAL_PLACEMENTS_PER_SECOND, fast ? "MET" : "NOT MET", rate, v.describe(), scope);
        main.rows().stream()
                .filter(r -> r.outcome().system().endsWith(" first fit"))
                .findFirst()
                .ifPresentOrElse(
                        ff -> {
                            if (ff.quality().isEmpty()) {
                                out.println("goal: better quality than CloudSim Plus first fit: not measured ("
                                        + ff.outcome().system() + " not available)");
                                return;
                            }
                            Quality a = atoll.quality().orElseThrow();
                            Quality f = ff.quality().orElseThrow();
                            int av = v.total();
                            int fv = ff.violations().orElseThrow().total();
                            boolean better = av <= fv
                                    && a.unplaced() <= f.unplaced()
                                    && a.meanUserLatencyMs() <= f.meanUserLatencyMs()
                                    && (av < fv
                                            || a.unplaced() < f.unplaced()
                                            || a.meanUserLatencyMs() < f.meanUserLatencyMs());
                            out.printf(
                                    "goal: better quality than CloudSim Plus first fit: %s (violations %,d vs %,d;"
                                            + " mean user latency %.1f vs %.1f ms; unplaced %,d vs %,d;"
                                            + " spread %.2f vs %.2f; nodes used %,d vs %,d)%n",
                                    better ? "YES" : "NO",
                                    av,
                                    fv,
                                    a.meanUserLatencyMs(),
                                    f.meanUserLatencyMs(),
                                    a.unplaced(),
                                    f.unplaced(),
                                    a.spread(),
                                    f.spread(),
                                    a.nodesUsed(),
                                    f.nodesUsed());
                        },
                        () -> out.println(
                                "goal: better quality than CloudSim Plus first fit: not measured (--peers without cloudsim)"));
        out.println();
    }
}
