package dev.atoll.control.rebalance;

import dev.atoll.control.site.SiteState;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.NodeCapacity;
import dev.atoll.placement.SiteSummary;
import dev.atoll.placement.rebalance.CloudLayout;
import dev.atoll.placement.rebalance.PlacedInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of the cloud one site rebalances in, as a {@link CloudLayout}: its own nodes and the
 * replicas on them from its exact state, and the nearest other sites (by RTT) as their gossiped
 * summaries show them. A remote node enters with what its summary says is free as its capacity and
 * no replicas: the site does not know what runs there, only how much room is left, which is what
 * a move into it needs. Pure.
 */
public final class Neighbourhood {
    private Neighbourhood() {}

    /**
     * @param closedHere nodes of this site that take no new replicas (down, draining, silent)
     * @param rttMicros RTT from this site to the others (measured or estimated)
     * @param deadSites sites the federation gave up for dead: never a destination
     */
    public static CloudLayout of(
            SiteInfo self,
            SiteState state,
            Set<String> closedHere,
            List<SiteSummary> summaries,
            Map<String, Long> rttMicros,
            Set<String> deadSites,
            int nearestSites) {
        List<SiteInfo> sites = new ArrayList<>(List.of(self));
        List<NodeInfo> nodes = new ArrayList<>(state.nodes().values());
        Set<String> closed = new HashSet<>();
        for (String node : closedHere) closed.add(self.name() + "/" + node);
        List<SiteSummary> others = new ArrayList<>();
        for (SiteSummary s : summaries) {
            String name = s.site().name();
            if (name.equals(self.name()) || !s.healthy() || deadSites.contains(name) || !rttMicros.containsKey(name))
                continue;
            others.add(s);
        }
        others.sort(Comparator.comparingLong(
                        (SiteSummary s) -> rttMicros.get(s.site().name()))
                .thenComparing(s -> s.site().name()));
        for (SiteSummary s : others.subList(0, Math.min(nearestSites, others.size()))) {
            sites.add(s.site());
            for (NodeCapacity c : s.nodes()) {
                nodes.add(new NodeInfo(
                        s.site().name(), c.name(), c.free(), c.freeSlots(), c.drivers(), c.tags(), Map.of(), ""));
                if (!c.ready()) closed.add(s.site().name() + "/" + c.name());
            }
        }
        // A departing copy (a move between two nodes of this site) shares its replica's id: the
        // replica is where it will stay, so only the replicas count as placed.
        List<PlacedInstance> instances = new ArrayList<>();
        for (SiteState.PlacedInstance i : state.instances().values()) {
            if (!state.nodes().containsKey(i.node())) continue;
            instances.add(new PlacedInstance(i.id(), i.service(), new Assignment(self.name(), i.node())));
        }
        return new CloudLayout(sites, nodes, closed, instances);
    }
}
