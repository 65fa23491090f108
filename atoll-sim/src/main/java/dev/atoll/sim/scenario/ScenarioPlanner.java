package dev.atoll.sim.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * Expands a scenario for one variant and seed into the plan the simulator plays. Pure: the same
 * scenario, variant and seed give an equal plan.
 *
 * <p>The seed feeds one {@link SplittableRandom}, split once for each concern in a fixed order (site
 * locations, workload, faults), so that changing the faults of a scenario does not change when its
 * environments arrive.
 */
public final class ScenarioPlanner {
    private ScenarioPlanner() {}

    /**
     * @throws IllegalArgumentException when {@code variant} is not one of {@link Scenario#variants()}
     */
    private static boolean undoesAFault(TimedAction action) {
        return action instanceof TimedAction.RestoreNode
                || action instanceof TimedAction.RestoreSite
                || action instanceof TimedAction.Heal
                || action instanceof TimedAction.RestoreLink
                || (action instanceof TimedAction.HotSpot h && h.factor() == 1.0)
                || (action instanceof TimedAction.DrainNode d && !d.draining());
    }

    public static ScenarioPlan plan(Scenario scenario, String variant, long seed) {
        var world = scenario.world(variant);
        var root = new SplittableRandom(seed);
        var siteRandom = root.split();
        var workloadRandom = root.split();
        var faultRandom = root.split();

        var layout = Worlds.layout(world.sites(), siteRandom);
        var users = Worlds.users(world.users());
        var latency = Worlds.latency(world.latency(), layout.topology());

        var timeline = new ArrayList<TimedAction>();
        scenario.workload().ifPresent(workload -> new WorkloadPlanner(
                        workload,
                        scenario.duration(),
                        layout.siteNames(),
                        layout.topology().sites().stream()
                                .map(s -> s.site().location())
                                .toList(),
                        users,
                        workloadRandom)
                .expand(timeline));
        var faults = new FaultPlanner(layout, users, scenario.duration(), faultRandom, timeline);
        faults.fixed(scenario.faults());
        scenario.randomFaults().ifPresent(faults::random);
        timeline.sort(IN_TIME_ORDER);
        // A scenario cut short (Scenario#playedFor) starts nothing after its end; what undoes a
        // fault still happens, so the settle time sees the cloud whole again.
        timeline.removeIf(action -> !action.at().minus(scenario.duration()).isNegative() && !undoesAFault(action));

        String name = variant.isEmpty() ? scenario.name() : scenario.name() + "/" + variant;
        return new ScenarioPlan(
                name,
                seed,
                scenario.duration(),
                scenario.settle(),
                layout.topology(),
                latency,
                scenario.messageLoss(),
                users,
                timeline,
                scenario.rebalancing());
    }

    /**
     * By time; at one instant, what ends a fault comes before what starts one (a site restored and
     * another crashed at the same moment are never both down), then faults, then the workload.
     * The sort is stable, so anything else keeps the order it was planned in.
     */
    static final Comparator<TimedAction> IN_TIME_ORDER =
            Comparator.comparing(TimedAction::at).thenComparingInt(ScenarioPlanner::rank);

    private static int rank(TimedAction action) {
        return switch (action) {
            case TimedAction.RestoreNode r -> 0;
            case TimedAction.RestoreSite r -> 0;
            case TimedAction.Heal h -> 0;
            case TimedAction.RestoreLink r -> 0;
            case TimedAction.CrashNode c -> 1;
            case TimedAction.CrashSite c -> 1;
            case TimedAction.Partition p -> 1;
            case TimedAction.SlowLink s -> 1;
            case TimedAction.RestartController r -> 1;
            case TimedAction.Delete d -> 2;
            case TimedAction.Deploy d -> 3;
            case TimedAction.MoveInstance m -> 4;
            case TimedAction.DrainNode d -> 4;
            case TimedAction.HotSpot h -> 1;
        };
    }
}
