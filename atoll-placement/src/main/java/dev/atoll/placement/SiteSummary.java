package dev.atoll.placement;

import dev.atoll.model.topology.SiteInfo;
import java.util.List;

/** A site as other sites see it when choosing where a replica should go. */
public record SiteSummary(SiteInfo site, boolean healthy, List<NodeCapacity> nodes) {
    public SiteSummary {
        nodes = List.copyOf(nodes);
    }

    public String name() {
        return site.name();
    }
}
