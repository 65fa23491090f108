package dev.atoll.control.cloud;

import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.util.List;

/**
 * One site's answer to {@link SiteShare#part()}: itself, its nodes, and the environments it homes.
 * Plain data that round-trips through {@code AtollJson.json()}, so it can cross the wire as is.
 */
public record SitePart(SiteView site, List<NodeView> nodes, List<HomedEnvironment> environments) {
    public SitePart {
        nodes = List.copyOf(nodes);
        environments = List.copyOf(environments);
    }
}
