package dev.atoll.sim.scenario;

import dev.atoll.model.topology.Topology;
import java.time.Duration;
import java.util.List;

/**
 * A scenario expanded for one seed: the concrete sites and nodes, how far apart they are, who uses
 * them, and every action of the run in time order. The simulator plays it; the same scenario and
 * seed always expand to an equal plan.
 *
 * @param duration how long the workload and faults run, in simulated time
 * @param settle quiet time after {@code duration} (no new actions) before the final checks: every
 *     replica running where capacity allows, at most one live copy per identity
 * @param messageLoss the share of messages between sites that are lost (0 to 1), from the seed
 * @param timeline every action, sorted by {@link TimedAction#at()} (ties keep their order)
 */
public record ScenarioPlan(
        String name,
        long seed,
        Duration duration,
        Duration settle,
        Topology topology,
        SiteLatency latency,
        double messageLoss,
        List<UserPopulation> users,
        List<TimedAction> timeline,
        java.util.Optional<Scenario.Rebalancing> rebalancing) {
    public ScenarioPlan {
        users = List.copyOf(users);
        timeline = List.copyOf(timeline);
    }

    /** A plan that says nothing of rebalancing (the sites never rebalance). */
    public ScenarioPlan(
            String name,
            long seed,
            Duration duration,
            Duration settle,
            Topology topology,
            SiteLatency latency,
            double messageLoss,
            List<UserPopulation> users,
            List<TimedAction> timeline) {
        this(name, seed, duration, settle, topology, latency, messageLoss, users, timeline, java.util.Optional.empty());
    }

    /** The same plan with rebalancing off, its usage and overloads still watched: "doing nothing". */
    public ScenarioPlan withoutRebalancing() {
        return new ScenarioPlan(
                name,
                seed,
                duration,
                settle,
                topology,
                latency,
                messageLoss,
                users,
                timeline,
                rebalancing.map(Scenario.Rebalancing::off));
    }
}
