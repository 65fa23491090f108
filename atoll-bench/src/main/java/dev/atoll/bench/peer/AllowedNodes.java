package dev.atoll.bench.peer;

import dev.atoll.bench.instance.EstimatedRtt;
import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.instance.Workload;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import java.util.List;

/**
 * For peers that take constraints as allowed nodes (BtrPlace's Fence, a Timefold hard constraint):
 * the nodes each service may run on by jurisdiction, latency bound and driver. Spread and capacity
 * stay with each peer, as they are not properties of a single node.
 */
final class AllowedNodes {
    private AllowedNodes() {}

    /** {@code allowed[w][n]}: whether workload {@code w} may run on node {@code n}. */
    static boolean[][] of(PlacementInstance instance) {
        List<SiteInfo> sites = instance.sites();
        List<NodeInfo> nodes = instance.nodes();
        int[] siteOfNode = instance.siteOfNode();
        List<Workload> workloads = instance.workloads();
        boolean[][] allowed = new boolean[workloads.size()][nodes.size()];
        for (int w = 0; w < workloads.size(); w++) {
            var service = workloads.get(w).service();
            boolean[] siteAllowed = new boolean[sites.size()];
            for (int s = 0; s < sites.size(); s++) siteAllowed[s] = siteAllows(service.placement(), sites.get(s));
            String driver = service.driver().wireName();
            for (int n = 0; n < nodes.size(); n++) {
                allowed[w][n] =
                        siteAllowed[siteOfNode[n]] && nodes.get(n).drivers().contains(driver);
            }
        }
        return allowed;
    }

    private static boolean siteAllows(PlacementIntent intent, SiteInfo site) {
        if (!intent.jurisdictions().isEmpty() && !intent.jurisdictions().contains(site.jurisdiction())) return false;
        for (UserRegion region : intent.nearUsers()) {
            if (region.maxLatencyMs().isPresent()
                    && EstimatedRtt.ms(region.location(), site.location())
                            > region.maxLatencyMs().get()) return false;
        }
        return true;
    }
}
