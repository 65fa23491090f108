package dev.atoll.bench.peer;

import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.instance.Workload;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.topology.NodeInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.btrplace.model.DefaultModel;
import org.btrplace.model.Mapping;
import org.btrplace.model.Model;
import org.btrplace.model.Node;
import org.btrplace.model.VM;
import org.btrplace.model.constraint.Fence;
import org.btrplace.model.constraint.Running;
import org.btrplace.model.constraint.SatConstraint;
import org.btrplace.model.constraint.SplitAmong;
import org.btrplace.model.view.ShareableResource;
import org.btrplace.plan.ReconfigurationPlan;
import org.btrplace.scheduler.choco.DefaultChocoScheduler;

/**
 * BtrPlace (its Choco-based scheduler) placing the instance. Nodes are online nodes with three
 * shareable resources (cpu in millicores, memory in MiB, instance slots); instances are ready VMs
 * that must be {@code Running}. Constraints, in BtrPlace's own vocabulary:
 *
 * <ul>
 *   <li>{@code Fence(vm, nodes)}: the nodes of sites the jurisdiction and latency bound allow, that
 *       carry the driver;
 *   <li>{@code SplitAmong}: for a spread over at least N sites, N of the service's VMs, each a part
 *       of its own, over the sites' node sets, so they land on N distinct sites (BtrPlace's {@code
 *       Spread} means distinct nodes, and it has no "at least N groups").
 * </ul>
 *
 * BtrPlace has no notion of users or latency as an objective, so it is asked for its first
 * solution (no optimisation of its default objective, the time to reconfigure, which does not
 * change a placement's quality here), within a time limit. No solution within it: nothing placed.
 */
public final class BtrPlaceSystem implements PlacementSystem {
    public static final String VERSION = "1.9.3";

    private final int timeLimitSeconds;

    public BtrPlaceSystem(int timeLimitSeconds) {
        this.timeLimitSeconds = timeLimitSeconds;
    }

    @Override
    public String name() {
        return "BtrPlace " + VERSION;
    }

    @Override
    public Outcome place(PlacementInstance instance) {
        try {
            return run(instance);
        } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
            return new Outcome.NotAvailable(name(), e.toString());
        }
    }

    private Outcome run(PlacementInstance instance) {
        QuietLogs.apply();
        Model model = new DefaultModel();
        Mapping mapping = model.getMapping();
        ShareableResource cpu = new ShareableResource("cpu", 0, 0);
        ShareableResource memory = new ShareableResource("memory", 0, 0);
        ShareableResource slots = new ShareableResource("slots", 0, 1);
        List<NodeInfo> infos = instance.nodes();
        Node[] nodes = new Node[infos.size()];
        Map<Node, Integer> indexOf = new HashMap<>();
        int[] siteOfNode = instance.siteOfNode();
        List<List<Node>> nodesOfSite = new ArrayList<>();
        for (int s = 0; s < instance.sites().size(); s++) nodesOfSite.add(new ArrayList<>());
        for (int n = 0; n < nodes.length; n++) {
            Node node = model.newNode();
            mapping.addOnlineNode(node);
            cpu.setCapacity(node, Math.toIntExact(infos.get(n).capacity().cpuMillis()));
            memory.setCapacity(node, Math.toIntExact(infos.get(n).capacity().memoryBytes() >> 20));
            slots.setCapacity(node, infos.get(n).instanceSlots());
            nodes[n] = node;
            indexOf.put(node, n);
            nodesOfSite.get(siteOfNode[n]).add(node);
        }
        Collection<Collection<Node>> siteParts = new ArrayList<>(nodesOfSite);

        boolean[][] allowed = AllowedNodes.of(instance);
        List<SatConstraint> constraints = new ArrayList<>();
        VM[] vms = new VM[instance.instanceCount()];
        int i = 0;
        List<Workload> workloads = instance.workloads();
        for (int w = 0; w < workloads.size(); w++) {
            var service = workloads.get(w).service();
            List<Node> fence = new ArrayList<>();
            for (int n = 0; n < nodes.length; n++) if (allowed[w][n]) fence.add(nodes[n]);
            int first = i;
            for (int r = 0; r < service.replicas(); r++, i++) {
                VM vm = model.newVM();
                mapping.addReadyVM(vm);
                cpu.setConsumption(vm, Math.toIntExact(service.resources().cpuMillis()));
                memory.setConsumption(vm, Math.toIntExact(service.resources().memoryBytes() >> 20));
                constraints.add(new Running(vm));
                if (fence.size() < nodes.length) constraints.add(new Fence(vm, fence));
                vms[i] = vm;
            }
            var spread = service.placement().spread();
            if (spread.isPresent() && spread.get().across() == Domain.SITE) {
                Collection<Collection<VM>> parts = new ArrayList<>();
                for (int k = 0; k < spread.get().minDomains(); k++) parts.add(List.of(vms[first + k]));
                constraints.add(new SplitAmong(parts, siteParts));
            }
        }
        model.attach(cpu);
        model.attach(memory);
        model.attach(slots);

        DefaultChocoScheduler scheduler = new DefaultChocoScheduler();
        scheduler.doOptimize(false);
        scheduler.setTimeLimit(timeLimitSeconds);
        long start = System.nanoTime();
        ReconfigurationPlan plan = scheduler.solve(model, constraints);
        long nanos = System.nanoTime() - start;

        int[] nodeOf = new int[vms.length];
        Arrays.fill(nodeOf, -1);
        String note = "";
        if (plan == null) {
            note = "no solution within " + timeLimitSeconds + " s: nothing placed";
        } else {
            Mapping result = plan.getResult().getMapping();
            for (int k = 0; k < vms.length; k++) {
                Node node = result.getVMLocation(vms[k]);
                if (node != null) nodeOf[k] = indexOf.get(node);
            }
        }
        return new Outcome.Placed(name(), nodeOf, Duration.ofNanos(nanos), note);
    }
}
