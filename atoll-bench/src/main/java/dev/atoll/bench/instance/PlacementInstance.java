package dev.atoll.bench.instance;

import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One placement problem every system gets: sites, their nodes, and services whose replicas
 * ("instances") must all be placed. Instances and nodes are numbered so that systems can answer
 * with an array: instance {@code i} on node {@code nodeOf[i]}, or {@code -1} when not placed.
 * Instances are numbered service by service, in the order of {@code workloads}; nodes site by site,
 * in the order of {@code sites}.
 *
 * @param seed the seed the instance was generated from, so a figure can be reproduced
 * @param nodes every node of every site, grouped by site in the order of {@code sites}
 */
public record PlacementInstance(long seed, List<SiteInfo> sites, List<NodeInfo> nodes, List<Workload> workloads) {
    public PlacementInstance {
        sites = List.copyOf(sites);
        nodes = List.copyOf(nodes);
        workloads = List.copyOf(workloads);
    }

    /** Number of instances: the replicas of all services. */
    public int instanceCount() {
        int n = 0;
        for (Workload w : workloads) n += w.service().replicas();
        return n;
    }

    /** For each instance, the index of its workload. */
    public int[] workloadOfInstance() {
        int[] of = new int[instanceCount()];
        int i = 0;
        for (int w = 0; w < workloads.size(); w++) {
            for (int r = 0; r < workloads.get(w).service().replicas(); r++) of[i++] = w;
        }
        return of;
    }

    /** For each workload, the number of its first instance. */
    public int[] firstInstanceOfWorkload() {
        int[] first = new int[workloads.size()];
        int i = 0;
        for (int w = 0; w < workloads.size(); w++) {
            first[w] = i;
            i += workloads.get(w).service().replicas();
        }
        return first;
    }

    /** For each node, the index of its site. */
    public int[] siteOfNode() {
        Map<String, Integer> index = new HashMap<>();
        for (int s = 0; s < sites.size(); s++) index.put(sites.get(s).name(), s);
        int[] of = new int[nodes.size()];
        for (int n = 0; n < of.length; n++) of[n] = index.get(nodes.get(n).site());
        return of;
    }

    /** The nodes of one site, in order. */
    public List<NodeInfo> nodesOf(String site) {
        List<NodeInfo> out = new ArrayList<>();
        for (NodeInfo n : nodes) if (n.site().equals(site)) out.add(n);
        return out;
    }

    /** Node number by {@link NodeInfo#id()} (site/name). */
    public Map<String, Integer> nodeIndexById() {
        Map<String, Integer> index = new HashMap<>(nodes.size() * 2);
        for (int n = 0; n < nodes.size(); n++) index.put(nodes.get(n).id(), n);
        return index;
    }
}
