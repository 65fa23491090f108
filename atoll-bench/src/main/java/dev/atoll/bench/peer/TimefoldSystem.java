package dev.atoll.bench.peer;

import ai.timefold.solver.core.api.solver.Solver;
import ai.timefold.solver.core.api.solver.SolverFactory;
import ai.timefold.solver.core.config.solver.SolverConfig;
import ai.timefold.solver.core.config.solver.termination.TerminationConfig;
import dev.atoll.bench.instance.EstimatedRtt;
import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.instance.UserPopulation;
import dev.atoll.bench.instance.Workload;
import dev.atoll.bench.peer.timefold.HostNode;
import dev.atoll.bench.peer.timefold.NodePlan;
import dev.atoll.bench.peer.timefold.PlacementConstraints;
import dev.atoll.bench.peer.timefold.Replica;
import dev.atoll.bench.peer.timefold.ServiceFacts;
import dev.atoll.bench.peer.timefold.UserDemand;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.topology.NodeInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Timefold Solver placing the instance: replicas are planning entities whose node is the planning
 * variable (unassigned allowed, at a medium cost), with the constraints of {@link
 * PlacementConstraints}. It runs its default phases, a construction heuristic then local search,
 * until the time limit or a fifth of it without improvement, whichever comes first, seeded from
 * the instance. The timing covers {@code solve} alone; building the solver (and compiling its
 * constraint streams) is left out.
 */
public final class TimefoldSystem implements PlacementSystem {
    public static final String VERSION = "2.2.0";

    private final Duration limit;

    public TimefoldSystem(Duration limit) {
        this.limit = limit;
    }

    @Override
    public String name() {
        return "Timefold " + VERSION;
    }

    @Override
    public Outcome place(PlacementInstance instance) {
        try {
            return run(instance);
        } catch (RuntimeException | LinkageError e) {
            return new Outcome.NotAvailable(name(), e.toString());
        }
    }

    private Outcome run(PlacementInstance instance) {
        QuietLogs.apply();
        List<NodeInfo> infos = instance.nodes();
        int[] siteOfNode = instance.siteOfNode();
        List<HostNode> nodes = new ArrayList<>(infos.size());
        for (int n = 0; n < infos.size(); n++) {
            NodeInfo info = infos.get(n);
            nodes.add(new HostNode(
                    n,
                    siteOfNode[n],
                    info.capacity().cpuMillis(),
                    info.capacity().memoryBytes(),
                    info.instanceSlots()));
        }
        boolean[][] allowed = AllowedNodes.of(instance);
        List<Replica> replicas = new ArrayList<>(instance.instanceCount());
        List<UserDemand> users = new ArrayList<>();
        List<Workload> workloads = instance.workloads();
        for (int w = 0; w < workloads.size(); w++) {
            var service = workloads.get(w).service();
            var spread = service.placement().spread();
            int minSites = spread.isPresent() && spread.get().across() == Domain.SITE
                    ? spread.get().minDomains()
                    : 0;
            ServiceFacts facts = new ServiceFacts(
                    w, service.resources().cpuMillis(), service.resources().memoryBytes(), minSites, allowed[w]);
            for (int r = 0; r < service.replicas(); r++) replicas.add(new Replica(replicas.size(), facts));
            for (UserPopulation people : workloads.get(w).users()) {
                double[] rtt = new double[instance.sites().size()];
                for (int s = 0; s < rtt.length; s++) {
                    rtt[s] = EstimatedRtt.ms(
                            people.region().location(), instance.sites().get(s).location());
                }
                users.add(new UserDemand(facts, Math.max(1, people.people() / 100_000), rtt));
            }
        }

        SolverConfig config = new SolverConfig()
                .withSolutionClass(NodePlan.class)
                .withEntityClasses(Replica.class)
                .withConstraintProviderClass(PlacementConstraints.class)
                .withRandomSeed(instance.seed())
                .withTerminationConfig(
                        new TerminationConfig().withSpentLimit(limit).withUnimprovedSpentLimit(limit.dividedBy(5)));
        Solver<NodePlan> solver = SolverFactory.<NodePlan>create(config).buildSolver();
        NodePlan problem = new NodePlan(nodes, users, replicas);

        long start = System.nanoTime();
        NodePlan best = solver.solve(problem);
        long nanos = System.nanoTime() - start;

        int[] nodeOf = new int[replicas.size()];
        Arrays.fill(nodeOf, -1);
        for (Replica r : best.getReplicas()) {
            if (r.getNode() != null) nodeOf[r.getId()] = r.getNode().index();
        }
        String note = "best score " + best.getScore() + " (hard/medium/soft; limit " + limit.toSeconds() + " s, or "
                + limit.dividedBy(5).toMillis() + " ms without improvement)";
        return new Outcome.Placed(name(), nodeOf, Duration.ofNanos(nanos), note);
    }
}
