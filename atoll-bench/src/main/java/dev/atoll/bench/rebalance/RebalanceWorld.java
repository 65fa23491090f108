package dev.atoll.bench.rebalance;

import dev.atoll.bench.check.ConstraintChecker;
import dev.atoll.bench.check.Violations;
import dev.atoll.bench.instance.InstanceGenerator;
import dev.atoll.bench.instance.InstanceShape;
import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.instance.Workload;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.CloudCapacity;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.PlacementResult;
import dev.atoll.placement.Placer;
import dev.atoll.placement.rebalance.CloudLayout;
import dev.atoll.placement.rebalance.PlacedInstance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A generated cloud placed by Atoll's own {@link Placer}, as the starting point of every
 * rebalancing run: the instance (for the independent {@link ConstraintChecker}) and the layout
 * (for the deciders), with the numbering that joins them. Services the placer could not place
 * whole are left out, as an unplaceable deploy would be.
 */
public record RebalanceWorld(PlacementInstance instance, CloudLayout layout, Map<InstanceId, Integer> numberOf) {
    public static final String TENANT = "bench";

    public static RebalanceWorld generate(InstanceShape shape) {
        return place(InstanceGenerator.generate(shape));
    }

    public static RebalanceWorld place(PlacementInstance generated) {
        CloudCapacity cloud = new CloudCapacity();
        for (SiteInfo site : generated.sites()) cloud.addSite(site, generated.nodesOf(site.name()));
        Placer placer = new Placer(cloud, LatencyModel.ESTIMATED);
        List<Workload> kept = new ArrayList<>();
        List<PlacedInstance> placed = new ArrayList<>();
        for (int w = 0; w < generated.workloads().size(); w++) {
            Workload workload = generated.workloads().get(w);
            var service = workload.service();
            PlacementResult result = placer.place(service, service.replicas(), generated.seed() * 31 + w);
            if (result instanceof PlacementResult.Unplaceable) {
                for (Assignment a : result.assignments()) cloud.release(a.site(), a.node(), service.resources());
                continue;
            }
            kept.add(workload);
            List<Assignment> at = result.assignments();
            for (int r = 0; r < at.size(); r++)
                placed.add(
                        new PlacedInstance(new InstanceId(TENANT, "env" + w, service.name(), r), service, at.get(r)));
        }
        PlacementInstance instance =
                new PlacementInstance(generated.seed(), generated.sites(), generated.nodes(), kept);
        Map<InstanceId, Integer> numberOf = new HashMap<>();
        for (int i = 0; i < placed.size(); i++) numberOf.put(placed.get(i).id(), i);
        return new RebalanceWorld(
                instance, new CloudLayout(generated.sites(), generated.nodes(), Set.of(), placed), numberOf);
    }

    /** The same world with other workloads (the same instances in the same order, other specs). */
    public RebalanceWorld withWorkloads(List<Workload> workloads, CloudLayout relabelled) {
        return new RebalanceWorld(
                new PlacementInstance(instance.seed(), instance.sites(), instance.nodes(), workloads),
                relabelled,
                numberOf);
    }

    /** Where each instance runs in {@code current}, numbered as the instance numbers them. */
    public int[] nodeOf(CloudLayout current) {
        Map<String, Integer> nodeIndex = instance.nodeIndexById();
        int[] nodeOf = new int[numberOf.size()];
        for (PlacedInstance i : current.instances()) nodeOf[numberOf.get(i.id())] = nodeIndex.get(i.nodeId());
        return nodeOf;
    }

    /** The independent checker's verdict on {@code current}. */
    public Violations check(CloudLayout current) {
        return ConstraintChecker.check(instance, nodeOf(current));
    }
}
