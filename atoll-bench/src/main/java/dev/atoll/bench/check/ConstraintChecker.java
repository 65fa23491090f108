package dev.atoll.bench.check;

import dev.atoll.bench.instance.EstimatedRtt;
import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.instance.Workload;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import java.util.List;

/**
 * Judges any system's placement of an instance against the hard constraints, from the instance
 * alone: it shares no code with atoll-placement, so a placement bug cannot hide by being judged by
 * itself. Checked: node capacity (cpu, memory, instance slots), jurisdiction, latency bounds of
 * {@code nearUsers}, spread across sites, and the driver. The generator uses no other hard
 * constraint (countries, pinned or avoided sites, tags, anti-affinity), so none is checked.
 */
public final class ConstraintChecker {
    private ConstraintChecker() {}

    /**
     * @param nodeOf for each instance of {@code instance}, the node it was placed on, or -1
     * @throws IllegalArgumentException when {@code nodeOf} does not fit the instance (a bug of the
     *     system that produced it, not a violation)
     */
    public static Violations check(PlacementInstance instance, int[] nodeOf) {
        requireShape(instance, nodeOf);
        List<NodeInfo> nodes = instance.nodes();
        List<SiteInfo> sites = instance.sites();
        int[] siteOfNode = instance.siteOfNode();
        long[] cpu = new long[nodes.size()];
        long[] memory = new long[nodes.size()];
        int[] count = new int[nodes.size()];
        int outsideJurisdiction = 0;
        int tooFar = 0;
        int underSpread = 0;
        int underSpreadPartlyPlaced = 0;
        int withoutDriver = 0;

        int i = 0;
        for (Workload w : instance.workloads()) {
            var service = w.service();
            PlacementIntent intent = service.placement();
            String driver = service.driver().wireName();
            boolean[] siteUsed = new boolean[sites.size()];
            int sitesUsed = 0;
            int placed = 0;
            for (int r = 0; r < service.replicas(); r++, i++) {
                int node = nodeOf[i];
                if (node < 0) continue;
                placed++;
                cpu[node] += service.resources().cpuMillis();
                memory[node] += service.resources().memoryBytes();
                count[node]++;
                if (!nodes.get(node).drivers().contains(driver)) withoutDriver++;
                int s = siteOfNode[node];
                if (!siteUsed[s]) {
                    siteUsed[s] = true;
                    sitesUsed++;
                }
                SiteInfo site = sites.get(s);
                if (!intent.jurisdictions().isEmpty() && !intent.jurisdictions().contains(site.jurisdiction())) {
                    outsideJurisdiction++;
                }
                if (beyondBound(intent.nearUsers(), site)) tooFar++;
            }
            var spread = intent.spread();
            if (spread.isPresent() && spread.get().across() == Domain.SITE) {
                if (sitesUsed < Math.min(spread.get().minDomains(), placed)) {
                    underSpread++;
                    if (placed < service.replicas()) underSpreadPartlyPlaced++;
                }
            }
        }

        int overCommitted = 0;
        for (int n = 0; n < nodes.size(); n++) {
            NodeInfo node = nodes.get(n);
            if (cpu[n] > node.capacity().cpuMillis()
                    || memory[n] > node.capacity().memoryBytes()
                    || count[n] > node.instanceSlots()) overCommitted++;
        }
        return new Violations(
                overCommitted, outsideJurisdiction, tooFar, underSpread, underSpreadPartlyPlaced, withoutDriver);
    }

    private static boolean beyondBound(List<UserRegion> regions, SiteInfo site) {
        for (UserRegion region : regions) {
            if (region.maxLatencyMs().isEmpty()) continue;
            if (EstimatedRtt.ms(region.location(), site.location())
                    > region.maxLatencyMs().get()) return true;
        }
        return false;
    }

    static void requireShape(PlacementInstance instance, int[] nodeOf) {
        if (nodeOf.length != instance.instanceCount()) {
            throw new IllegalArgumentException(
                    "a placement of " + nodeOf.length + " instances for an instance of " + instance.instanceCount());
        }
        for (int node : nodeOf) {
            if (node < -1 || node >= instance.nodes().size()) {
                throw new IllegalArgumentException(
                        "node " + node + " out of range 0.." + (instance.nodes().size() - 1));
            }
        }
    }
}
