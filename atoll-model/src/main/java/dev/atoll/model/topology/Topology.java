package dev.atoll.model.topology;

import java.util.List;

/** The sites and nodes an operator describes for `atoll dev --topology FILE`. */
public record Topology(List<SiteTopology> sites) {
    public Topology {
        sites = List.copyOf(sites);
    }

    public record SiteTopology(SiteInfo site, List<NodeInfo> nodes) {
        public SiteTopology {
            nodes = List.copyOf(nodes);
        }
    }
}
