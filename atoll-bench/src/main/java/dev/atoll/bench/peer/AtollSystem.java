package dev.atoll.bench.peer;

import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.instance.Workload;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.CloudCapacity;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.PlacementResult;
import dev.atoll.placement.Placer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Atoll's placement engine as production runs it, minus the network: a {@link Placer} over a
 * {@link CloudCapacity} places each service's replicas one at a time, site then node, updating the
 * allocations after each. The services come in the instance's order. Warm-up passes on fresh
 * copies of the cloud let the JIT compile the hot paths first; the figure is the median of the
 * measured passes, each on a fresh cloud, and every pass must place exactly alike.
 */
public final class AtollSystem implements PlacementSystem {
    private final int warmups;
    private final int runs;

    public AtollSystem(int warmups, int runs) {
        if (warmups < 0) throw new IllegalArgumentException("warmups must be 0 or more, got " + warmups);
        if (runs < 1) throw new IllegalArgumentException("runs must be 1 or more, got " + runs);
        this.warmups = warmups;
        this.runs = runs;
    }

    @Override
    public String name() {
        return "Atoll";
    }

    @Override
    public Outcome place(PlacementInstance instance) {
        for (int w = 0; w < warmups; w++) placeOnce(instance);
        long[] nanos = new long[runs];
        int[] nodeOf = null;
        for (int r = 0; r < runs; r++) {
            Pass pass = placeOnce(instance);
            nanos[r] = pass.nanos;
            if (nodeOf != null && !Arrays.equals(nodeOf, pass.nodeOf)) {
                throw new IllegalStateException("two passes over the same cloud placed differently");
            }
            nodeOf = pass.nodeOf;
        }
        Arrays.sort(nanos);
        String note = runs == 1 ? "" : "median of " + runs + " runs";
        return new Outcome.Placed(name(), nodeOf, Duration.ofNanos(nanos[runs / 2]), note);
    }

    private record Pass(int[] nodeOf, long nanos) {}

    private static Pass placeOnce(PlacementInstance instance) {
        CloudCapacity cloud = new CloudCapacity();
        for (SiteInfo site : instance.sites()) cloud.addSite(site, instance.nodesOf(site.name()));
        Placer placer = new Placer(cloud, LatencyModel.ESTIMATED);
        List<Workload> workloads = instance.workloads();
        List<PlacementResult> results = new ArrayList<>(workloads.size());

        long start = System.nanoTime();
        for (int w = 0; w < workloads.size(); w++) {
            var service = workloads.get(w).service();
            results.add(placer.place(service, service.replicas(), seedOf(instance, w)));
        }
        long nanos = System.nanoTime() - start;

        int[] nodeOf = new int[instance.instanceCount()];
        Arrays.fill(nodeOf, -1);
        Map<String, Integer> index = instance.nodeIndexById();
        int[] first = instance.firstInstanceOfWorkload();
        for (int w = 0; w < results.size(); w++) {
            List<Assignment> placed = results.get(w).assignments();
            for (int k = 0; k < placed.size(); k++) {
                Assignment a = placed.get(k);
                nodeOf[first[w] + k] = index.get(a.site() + "/" + a.node());
            }
        }
        return new Pass(nodeOf, nanos);
    }

    /** One seed per service, from the instance's, as a deployment gets its own. */
    static long seedOf(PlacementInstance instance, int workload) {
        return instance.seed() * 0x9E3779B97F4A7C15L + workload;
    }
}
