package dev.atoll.sim.cloud;

import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.site.SiteController;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.SiteSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One simulated site: its Raft group (kept across crashes, as a disk would), its controller when up, its nodes. */
final class SimSite {
    final SiteInfo info;
    final List<NodeInfo> nodes;
    final RaftGroup raft;
    final Map<String, SimNode> simNodes = new LinkedHashMap<>();
    SiteController controller;
    /** The site's rebalancer when the scenario turns rebalancing on; lives and dies with the controller. */
    dev.atoll.control.rebalance.SiteRebalancer rebalancer;

    int incarnation;

    /**
     * The summary the site last put on its gossip card, and the controller that wrote it: worked out
     * by the site itself, on its own thread, just before each gossip round.
     */
    record Card(SiteController by, SiteSummary summary) {}

    Card card;

    SimSite(SiteInfo info, List<NodeInfo> nodes, RaftGroup raft) {
        this.info = info;
        this.nodes = List.copyOf(nodes);
        this.raft = raft;
    }

    String name() {
        return info.name();
    }

    boolean up() {
        return controller != null;
    }
}
