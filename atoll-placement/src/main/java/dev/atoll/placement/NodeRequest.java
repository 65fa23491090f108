package dev.atoll.placement;

import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.SiteInfo;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Where inside {@code site} should one more replica of {@code service} run?
 *
 * @param nodes the site's exact node state
 * @param replicasPerNode replicas of this service already on each node of this site, by node name
 * @param replicasStillToPlace replicas of this service still to place, this one included
 * @param nodesUsedElsewhere distinct nodes in other sites already running a replica of this
 *     service; counts towards {@code spread: {across: node}}
 * @param seed breaks ties between equally good nodes, so a decision can be replayed
 */
public record NodeRequest(
        ServiceSpec service,
        SiteInfo site,
        List<NodeState> nodes,
        Map<String, Integer> replicasPerNode,
        int replicasStillToPlace,
        int nodesUsedElsewhere,
        long seed) {
    public NodeRequest {
        nodes = List.copyOf(nodes);
        // A view, not a copy: a request lives for one select call on the placement hot path, and
        // copying a per-node map for every replica would cost more than choosing the node.
        replicasPerNode = Collections.unmodifiableMap(replicasPerNode);
    }

    /** A request for a service with no replicas in other sites. */
    public NodeRequest(
            ServiceSpec service,
            SiteInfo site,
            List<NodeState> nodes,
            Map<String, Integer> replicasPerNode,
            int replicasStillToPlace,
            long seed) {
        this(service, site, nodes, replicasPerNode, replicasStillToPlace, 0, seed);
    }
}
