package dev.atoll.placement;

import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.placement.NodeFit.Reject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the node inside a site for one replica, from the site's exact state: the second level
 * of placement, run by the target site's leader before it accepts an offer.
 *
 * <p>The pipeline, top to bottom: for every node, the filters (cheapest first, see {@link
 * NodeFit#check}) then the service's own constraints (anti-affinity, spread); a node that passes
 * is scored and the best one wins, ties going to the lowest seeded hash of the node's name.
 * Every node is looked at: feasibility is exact, and at a hundred nodes a site scoring all of
 * them costs a few microseconds, so a Nomad-style cap on scored nodes would buy nothing.
 *
 * <p>Scores (higher is better): with {@code strategy: spread}, the least allocated node
 * (cpu and memory after placing, averaged) and the node with fewer replicas of this service; with
 * {@code strategy: pack}, the most allocated node, replicas sharing nodes being what packing
 * means. Plus the share of {@code preferTags} found on the node or its site.
 */
public final class NodeSelector {
    private static final Reject[] REJECTS = Reject.values();

    private NodeSelector() {}

    public static NodeDecision select(NodeRequest request) {
        var service = request.service();
        PlacementIntent intent = service.placement();
        NodeFit fit = new NodeFit(service);
        String[] tagsFromNodes = fit.tagsNeededFromNodes(request.site().tags());
        boolean antiAffinity = intent.antiAffinity() == AntiAffinity.NODE;
        boolean mustUseNewNode = mustUseNewNode(request);
        boolean spreadStrategy = intent.strategy() == Strategy.SPREAD;
        boolean countReplicas = antiAffinity || mustUseNewNode || spreadStrategy;
        Map<String, Integer> replicasPerNode = request.replicasPerNode();
        String[] preferTags =
                preferTagsNotOnSite(intent.preferTags(), request.site().tags());
        int preferOnSite = intent.preferTags().size() - preferTags.length;
        double preferWeight =
                intent.preferTags().isEmpty() ? 0 : 1.0 / intent.preferTags().size();

        // Rejections are counted in arrays, which is cheap enough to do on every call; the
        // readable explanation is only built when nothing fits.
        int[] rejected = new int[REJECTS.length];
        byte[] firstSeen = new byte[REJECTS.length];
        int kinds = 0;
        long mostFreeCpu = 0;
        long mostFreeMemory = 0;

        List<NodeState> nodes = request.nodes();
        String best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        long bestTie = 0;
        boolean bestTieKnown = false;
        for (int i = 0, n = nodes.size(); i < n; i++) {
            NodeState node = nodes.get(i);
            NodeInfo info = node.info();
            long capCpu = info.capacity().cpuMillis();
            long capMemory = info.capacity().memoryBytes();
            long allocCpu = node.allocated().cpuMillis();
            long allocMemory = node.allocated().memoryBytes();
            long freeCpu = Math.max(0, capCpu - allocCpu);
            long freeMemory = Math.max(0, capMemory - allocMemory);
            Reject reject = fit.check(
                    node.ready(),
                    info.drivers(),
                    // A map lookup, only made for a service on tenant networks (the only one it matters to).
                    !fit.needsTenantNetworks || info.runsTenantNetworks(),
                    info.instanceSlots() - node.instances(),
                    freeCpu,
                    freeMemory,
                    info.tags(),
                    tagsFromNodes);
            int replicasHere = 0;
            if (reject == null && countReplicas) {
                Integer r = replicasPerNode.get(info.name());
                replicasHere = r == null ? 0 : r;
                if (antiAffinity && replicasHere > 0) reject = Reject.ANTI_AFFINITY;
                else if (mustUseNewNode && replicasHere > 0) reject = Reject.SPREAD;
            }
            if (reject != null) {
                if (rejected[reject.ordinal()]++ == 0) firstSeen[kinds++] = (byte) reject.ordinal();
                if (reject == Reject.SHORT_OF_CPU) mostFreeCpu = Math.max(mostFreeCpu, freeCpu);
                if (reject == Reject.SHORT_OF_MEMORY) mostFreeMemory = Math.max(mostFreeMemory, freeMemory);
                continue;
            }

            double cpuUse = capCpu == 0 ? 1 : (double) (allocCpu + fit.cpu) / capCpu;
            double memoryUse = capMemory == 0 ? 1 : (double) (allocMemory + fit.memory) / capMemory;
            double used = (cpuUse + memoryUse) / 2;
            double score = spreadStrategy ? (1 - used) + 1.0 / (1 + replicasHere) : used;
            if (preferWeight > 0) score += preferWeight * (preferOnSite + countPresent(preferTags, info.tags()));

            if (score > bestScore) {
                best = info.name();
                bestScore = score;
                bestTieKnown = false; // hashed lazily: most nodes never tie
            } else if (score == bestScore) {
                if (!bestTieKnown) bestTie = NodeFit.tieBreak(request.seed(), best);
                bestTieKnown = true;
                long tie = NodeFit.tieBreak(request.seed(), info.name());
                if (tie < bestTie) {
                    best = info.name();
                    bestTie = tie;
                }
            }
        }
        if (best != null) return new NodeDecision.Chosen(best);

        Explanation.Tally tally = Explanation.tally("nodes");
        tally.considered(nodes.size());
        for (int k = 0; k < kinds; k++) {
            Reject reject = REJECTS[firstSeen[k]];
            fit.count(tally, reject, rejected[reject.ordinal()], mostFreeCpu, mostFreeMemory);
        }
        return new NodeDecision.NoFit(tally.build());
    }

    /**
     * With {@code spread: {across: node, minDomains: N}}: when the replicas still to place are just
     * enough to reach N distinct nodes, this one has to open a new node.
     */
    static boolean mustUseNewNode(NodeRequest request) {
        var spread = request.service().placement().spread();
        if (spread.isEmpty() || spread.get().across() != Domain.NODE) return false;
        int used = request.nodesUsedElsewhere();
        for (Integer r : request.replicasPerNode().values()) if (r != null && r > 0) used++;
        int needed = spread.get().minDomains() - used;
        return needed > 0 && needed >= request.replicasStillToPlace();
    }

    private static String[] preferTagsNotOnSite(Set<String> preferTags, Set<String> siteTags) {
        if (preferTags.isEmpty()) return NodeFit.sorted(preferTags);
        return preferTags.stream().filter(t -> !siteTags.contains(t)).sorted().toArray(String[]::new);
    }

    private static int countPresent(String[] tags, Set<String> nodeTags) {
        int n = 0;
        for (String t : tags) if (nodeTags.contains(t)) n++;
        return n;
    }
}
