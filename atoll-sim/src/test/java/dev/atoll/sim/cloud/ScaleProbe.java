package dev.atoll.sim.cloud;

import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.sim.scenario.TimedAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Not a test: prints how fast the engine runs a mid-size cloud (java ScaleProbe SITES NODES ENVS). */
public final class ScaleProbe {
    public static void main(String[] args) {
        int sites = Integer.parseInt(args[0]);
        int nodes = Integer.parseInt(args[1]);
        int envs = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        List<TimedAction> timeline = new ArrayList<>();
        EnvironmentSpec template = TinyPlans.spec("acme", "app", 5, "");
        var topology = dev.atoll.model.topology.Topologies.generated(sites, nodes);
        for (int i = 0; i < envs; i++) {
            EnvironmentSpec spec = new EnvironmentSpec("app-" + i, "acme", template.services());
            String home = topology.sites().get(i % sites).site().name();
            timeline.add(
                    new TimedAction.Deploy(Duration.ofMillis(1000 + (long) i * (seconds * 500L) / envs), spec, home));
        }
        var plan = TinyPlans.plan(1, sites, nodes, Duration.ofSeconds(seconds), Duration.ofSeconds(10), timeline);
        var plan2 = new dev.atoll.sim.scenario.ScenarioPlan(
                plan.name(),
                1,
                plan.duration(),
                plan.settle(),
                topology,
                TinyPlans.greatCircle(topology),
                0,
                plan.users(),
                timeline);
        long t0 = System.nanoTime();
        var out = Simulation.run(plan2, Simulation.Options.defaults().withInvariantPeriod(Duration.ofSeconds(1)));
        var r = out.report();
        System.out.printf(
                "sim %.0f s in %.1f s wall (%.2fx), events %d, heap %d MB%n%s%nviolations %s%n",
                r.simulatedSeconds(),
                r.wallSeconds(),
                r.speed(),
                r.eventsProcessed(),
                r.peakHeapBytes() >> 20,
                r.counters(),
                r.violations());
        System.out.println(out.tasksByLane());
    }
}
