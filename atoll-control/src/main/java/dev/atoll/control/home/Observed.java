package dev.atoll.control.home;

import dev.atoll.control.federation.ReplicaStatus;
import java.util.Map;
import java.util.Set;

/**
 * What a home knows of the replicas it placed, site by site: the replicas each reachable site
 * reports, and which sites are dead (gossip gave up on them, or they cannot be reached).
 *
 * @param bySite per site, its replicas homed here by instance key; a site missing here has not
 *     answered yet
 */
public record Observed(Map<String, Map<String, ReplicaStatus>> bySite, Set<String> deadSites, Set<String> vanished) {
    public static final Observed NOTHING = new Observed(Map.of(), Set.of());

    public Observed {
        // Sorted, sites and each site's replicas by key: decisions iterate them in a fixed order,
        // and a home finds one environment's replicas by key range instead of scanning them all.
        var sorted = new java.util.TreeMap<String, Map<String, ReplicaStatus>>();
        bySite.forEach((site, replicas) -> sorted.put(
                site,
                replicas instanceof java.util.NavigableMap<String, ReplicaStatus>
                        ? replicas
                        : java.util.Collections.unmodifiableNavigableMap(new java.util.TreeMap<>(replicas))));
        bySite = java.util.Collections.unmodifiableSortedMap(sorted);
        deadSites = Set.copyOf(deadSites);
        vanished = Set.copyOf(vanished);
    }

    public Observed(Map<String, Map<String, ReplicaStatus>> bySite, Set<String> deadSites) {
        this(bySite, deadSites, Set.of());
    }

    /**
     * With {@code vanished}: instance keys whose placement's site is alive and answers, but has
     * answered again and again that it does not run that replica (it was stopped there, or its
     * record was lost): the home places it again, as if lost with a node.
     */
    /** The replicas of one environment that {@code site} reported, in key order. */
    public java.util.Collection<ReplicaStatus> environmentAt(String site, String environmentKey) {
        var replicas = bySite.get(site);
        if (replicas == null) return java.util.List.of();
        String prefix = environmentKey + ".";
        return ((java.util.NavigableMap<String, ReplicaStatus>) replicas)
                .subMap(prefix, true, prefix + Character.MAX_VALUE, false)
                .values();
    }

    public Observed withVanished(Set<String> keys) {
        return new Observed(bySite, deadSites, keys);
    }

    /** Everything one site reports and no site dead. */
    public static Observed at(String site, Map<String, ReplicaStatus> replicas) {
        return new Observed(Map.of(site, replicas), Set.of());
    }

    public ReplicaStatus at(String site, String instanceKey) {
        var replicas = bySite.get(site);
        return replicas == null ? null : replicas.get(instanceKey);
    }

    public Observed withDead(String... sites) {
        return new Observed(bySite, Set.of(sites), vanished);
    }
}
