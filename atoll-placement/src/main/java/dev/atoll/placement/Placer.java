package dev.atoll.placement;

import dev.atoll.model.spec.ServiceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Places replicas onto a whole cloud whose exact state is in one place, the way the two levels
 * work together across sites: {@link SiteSelector} picks a site from the summaries, that site's
 * {@link NodeSelector} picks a node from its exact state, and if the site declines, the next
 * alternative is offered the replica. Each placement updates the allocations before the next one.
 *
 * <p>Used by the benchmark, the property tests and the simulator; a real cloud runs the same two
 * selectors on different sites.
 */
public final class Placer {
    private final CloudCapacity cloud;
    private final LatencyModel latency;

    public Placer(CloudCapacity cloud, LatencyModel latency) {
        this.cloud = cloud;
        this.latency = latency;
    }

    /** Places {@code replicas} new replicas of a service that has none yet. */
    public PlacementResult place(ServiceSpec service, int replicas, long seed) {
        return place(service, replicas, List.of(), seed);
    }

    /**
     * Places {@code replicas} new replicas of a service.
     *
     * @param existing where the service's replicas already run; their resources are already
     *     allocated in the cloud, they only count for spread and anti-affinity
     * @param seed the same seed on the same cloud gives the same placement
     */
    public PlacementResult place(ServiceSpec service, int replicas, List<Assignment> existing, long seed) {
        Counts counts = new Counts();
        for (Assignment a : existing) counts.add(a);
        List<Assignment> placed = new ArrayList<>(replicas);
        // What site selection learns about this service's sites, kept from one replica to the next.
        SiteSelector.Memo memo = new SiteSelector.Memo(service, latency);
        for (int i = 0; i < replicas; i++) {
            long replicaSeed = NodeFit.mix(seed + i);
            int stillToPlace = replicas - i;
            SiteDecision decision = SiteSelector.select(
                    new SiteRequest(
                            service, cloud.summaries(), counts.perSite, stillToPlace, Set.of(), latency, replicaSeed),
                    memo);
            switch (decision) {
                case SiteDecision.NoSite noSite -> {
                    return new PlacementResult.Unplaceable(placed, noSite.why());
                }
                case SiteDecision.Chosen chosen -> {
                    Assignment a = null;
                    Map<String, Explanation> declined = new LinkedHashMap<>();
                    for (int s = -1; a == null && s < chosen.alternatives().size(); s++) {
                        String site =
                                s < 0 ? chosen.site() : chosen.alternatives().get(s);
                        switch (offer(service, site, counts, stillToPlace, replicaSeed)) {
                            case NodeDecision.Chosen node -> a = new Assignment(site, node.node());
                            case NodeDecision.NoFit noFit -> declined.put(site, noFit.why());
                        }
                    }
                    if (a == null) {
                        return new PlacementResult.Unplaceable(
                                placed, explainDeclined(service, counts, stillToPlace, declined, replicaSeed, memo));
                    }
                    cloud.allocate(a.site(), a.node(), service.resources());
                    counts.add(a);
                    placed.add(a);
                }
            }
        }
        return new PlacementResult.Placed(placed);
    }

    /** Offers the replica to a site, which decides on its exact state. */
    private NodeDecision offer(ServiceSpec service, String site, Counts counts, int stillToPlace, long seed) {
        Map<String, Integer> perNode = counts.perNode.getOrDefault(site, Map.of());
        int usedHere = counts.distinctNodes.getOrDefault(site, 0);
        return NodeSelector.select(new NodeRequest(
                service,
                cloud.site(site),
                cloud.nodes(site),
                perNode,
                stillToPlace,
                counts.totalDistinctNodes - usedHere,
                seed));
    }

    /**
     * Every feasible-looking site declined: explain over all sites, counting each decliner under
     * the reason most of its nodes gave.
     */
    private Explanation explainDeclined(
            ServiceSpec service,
            Counts counts,
            int stillToPlace,
            Map<String, Explanation> declined,
            long seed,
            SiteSelector.Memo memo) {
        SiteDecision again = SiteSelector.select(
                new SiteRequest(
                        service, cloud.summaries(), counts.perSite, stillToPlace, declined.keySet(), latency, seed),
                memo);
        Explanation.Tally tally = Explanation.tally("sites");
        if (again instanceof SiteDecision.NoSite noSite) {
            tally.considered(noSite.why().considered());
            for (Explanation.Reason r : noSite.why().reasons()) {
                if (!r.text().equals("declined this replica")) tally.reject(r.text(), r.count());
            }
        }
        for (Explanation nodes : declined.values()) {
            nodes.primary().ifPresent(r -> tally.reject(r.text()));
        }
        return tally.build();
    }

    /** Where this service's replicas are, counted the ways the constraints need. */
    private static final class Counts {
        final Map<String, Integer> perSite = new HashMap<>();
        final Map<String, Map<String, Integer>> perNode = new HashMap<>();
        final Map<String, Integer> distinctNodes = new HashMap<>();
        int totalDistinctNodes;

        void add(Assignment a) {
            perSite.merge(a.site(), 1, Integer::sum);
            int onNode = perNode.computeIfAbsent(a.site(), s -> new HashMap<>()).merge(a.node(), 1, Integer::sum);
            if (onNode == 1) {
                distinctNodes.merge(a.site(), 1, Integer::sum);
                totalDistinctNodes++;
            }
        }
    }
}
