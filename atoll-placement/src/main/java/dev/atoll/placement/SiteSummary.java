package dev.atoll.placement;

import dev.atoll.model.Resources;
import dev.atoll.model.topology.SiteInfo;
import java.util.List;

/**
 * A site as other sites see it when choosing where a replica should go.
 *
 * @param free the free resources summed over the site's ready nodes; the three-argument
 *     constructor computes it, a site that keeps it up to date as it allocates passes it in
 */
public record SiteSummary(SiteInfo site, boolean healthy, List<NodeCapacity> nodes, Resources free) {
    public SiteSummary {
        nodes = List.copyOf(nodes);
    }

    public SiteSummary(SiteInfo site, boolean healthy, List<NodeCapacity> nodes) {
        this(site, healthy, nodes, freeOnReadyNodes(nodes));
    }

    public String name() {
        return site.name();
    }

    public static Resources freeOnReadyNodes(List<NodeCapacity> nodes) {
        long cpu = 0;
        long memory = 0;
        for (NodeCapacity node : nodes) {
            if (!node.ready()) continue;
            cpu += node.free().cpuMillis();
            memory += node.free().memoryBytes();
        }
        return new Resources(cpu, memory);
    }
}
