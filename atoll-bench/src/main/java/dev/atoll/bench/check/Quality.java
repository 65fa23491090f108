package dev.atoll.bench.check;

import dev.atoll.bench.instance.EstimatedRtt;
import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.instance.UserPopulation;
import dev.atoll.bench.instance.Workload;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.topology.SiteInfo;
import java.util.List;

/**
 * How good a placement is beyond its hard constraints.
 *
 * @param placed instances placed
 * @param unplaced instances not placed
 * @param nodesUsed nodes running at least one instance (fewer is denser packing; services with
 *     {@code strategy: spread} ask for the opposite, so this figure has no better direction of its
 *     own)
 * @param spread over the services that ask for a spread across sites, the mean of the distinct
 *     sites their instances cover divided by the sites they ask for (1 means exactly held on
 *     average; NaN when no service asks)
 * @param meanUserLatencyMs the estimated RTT from each service's users to its nearest instance,
 *     averaged over all users of services with an instance placed (weighted by population)
 */
public record Quality(int placed, int unplaced, int nodesUsed, double spread, double meanUserLatencyMs) {

    public static Quality of(PlacementInstance instance, int[] nodeOf) {
        ConstraintChecker.requireShape(instance, nodeOf);
        List<SiteInfo> sites = instance.sites();
        int[] siteOfNode = instance.siteOfNode();
        boolean[] nodeUsed = new boolean[instance.nodes().size()];
        int nodesUsed = 0;
        int placed = 0;
        double spreadSum = 0;
        int spreadServices = 0;
        double latencyWeighted = 0;
        double people = 0;

        int i = 0;
        int[] siteList = new int[sites.size()];
        boolean[] siteUsed = new boolean[sites.size()];
        for (Workload w : instance.workloads()) {
            int distinct = 0;
            for (int r = 0; r < w.service().replicas(); r++, i++) {
                int node = nodeOf[i];
                if (node < 0) continue;
                placed++;
                if (!nodeUsed[node]) {
                    nodeUsed[node] = true;
                    nodesUsed++;
                }
                int s = siteOfNode[node];
                if (!siteUsed[s]) {
                    siteUsed[s] = true;
                    siteList[distinct++] = s;
                }
            }
            var spread = w.service().placement().spread();
            if (spread.isPresent() && spread.get().across() == Domain.SITE) {
                spreadSum += (double) distinct / spread.get().minDomains();
                spreadServices++;
            }
            if (distinct > 0) {
                for (UserPopulation users : w.users()) {
                    double nearest = Double.POSITIVE_INFINITY;
                    for (int k = 0; k < distinct; k++) {
                        nearest = Math.min(
                                nearest,
                                EstimatedRtt.ms(
                                        users.region().location(),
                                        sites.get(siteList[k]).location()));
                    }
                    latencyWeighted += nearest * users.people();
                    people += users.people();
                }
            }
            for (int k = 0; k < distinct; k++) siteUsed[siteList[k]] = false;
        }
        return new Quality(
                placed,
                nodeOf.length - placed,
                nodesUsed,
                spreadServices == 0 ? Double.NaN : spreadSum / spreadServices,
                people == 0 ? Double.NaN : latencyWeighted / people);
    }
}
