package dev.atoll.control.rebalance;

import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.SiteState;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.NodeCapacity;
import dev.atoll.placement.SiteSummary;
import dev.atoll.placement.rebalance.CloudLayout;
import dev.atoll.placement.rebalance.PlacedInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

    /**
     * The replicas other sites run of the services that have replicas here, as pinned replicas of a
     * layout ({@link CloudLayout#pinned}): counted for spread and anti-affinity, never moved by this
     * site. Each takes the spec of its service's replicas here (the rules are the service's). Left
     * out: dead sites, nodes known down (the replica is lost), and any replica also here (a move
     * between sites under way: the copy here is the one the layout holds). Pure.
     *
     * @param seen what other sites run, by site then instance key ({@code
     *     SiteController#replicasElsewhere})
     */
    public static List<PlacedInstance> replicasElsewhere(
            SiteInfo self, SiteState state, Map<String, Map<String, ReplicaStatus>> seen, Set<String> deadSites) {
        Map<String, ServiceSpec> servicesHere = new HashMap<>();
        for (SiteState.PlacedInstance i : state.instances().values())
            servicesHere.putIfAbsent(PlacedInstance.serviceKey(i.id()), i.service());
        Map<InstanceId, PlacedInstance> out = new TreeMap<>(Comparator.comparing(InstanceId::key));
        for (var site : new TreeMap<>(seen).entrySet()) {
            String at = site.getKey();
            if (at.equals(self.name()) || deadSites.contains(at)) continue;
            for (ReplicaStatus r : site.getValue().values()) {
                ServiceSpec service = servicesHere.get(PlacedInstance.serviceKey(r.id()));
                if (service == null || r.nodeDown() || state.instances().containsKey(r.id().key())) continue;
                out.putIfAbsent(r.id(), new PlacedInstance(r.id(), service, new Assignment(at, r.node())));
            }
        }
        return List.copyOf(out.values());
    }
}
