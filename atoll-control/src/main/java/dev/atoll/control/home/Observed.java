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
public record Observed(
        Map<String, Map<String, ReplicaStatus>> bySite,
        Set<String> deadSites,
        Set<String> vanished,
        Map<String, java.util.List<ReplicaAt>> byEnvironment) {
    /** One replica a site reported. */
    public record ReplicaAt(String site, ReplicaStatus status) {}

    public static final Observed NOTHING = new Observed(Map.of(), Set.of());

    /**
     * {@code byEnvironment} is derived from {@code bySite}: pass null to have it worked out. A
     * caller that passes it (a copy with other dead or vanished sets, or a home that keeps it up to
     * date as reports arrive) passes {@code bySite} sorted, sites and each site's replicas by key,
     * and neither changes while this is in use.
     */
    public Observed {
        deadSites = Set.copyOf(deadSites);
        vanished = Set.copyOf(vanished);
        if (byEnvironment == null) {
            // Sorted, sites and each site's replicas by key: decisions iterate them in a fixed order.
            var sorted = new java.util.TreeMap<String, Map<String, ReplicaStatus>>();
            bySite.forEach((site, replicas) -> sorted.put(
                    site,
                    replicas instanceof java.util.SortedMap<String, ReplicaStatus>
                            ? replicas
                            : java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(replicas))));
            bySite = java.util.Collections.unmodifiableSortedMap(sorted);
            // A home looks up one environment's replicas per decision: index them once, not per decision.
            Map<String, java.util.List<ReplicaAt>> index = new java.util.HashMap<>();
            bySite.forEach((site, replicas) -> {
                for (ReplicaStatus status : replicas.values()) {
                    String key = status.id().tenant() + "/" + status.id().environment();
                    index.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(new ReplicaAt(site, status));
                }
            });
            byEnvironment = java.util.Collections.unmodifiableMap(index);
        }
    }

    public Observed(Map<String, Map<String, ReplicaStatus>> bySite, Set<String> deadSites, Set<String> vanished) {
        this(bySite, deadSites, vanished, null);
    }

    public Observed(Map<String, Map<String, ReplicaStatus>> bySite, Set<String> deadSites) {
        this(bySite, deadSites, Set.of());
    }

    /**
     * With {@code vanished}: instance keys whose placement's site is alive and answers, but has
     * answered again and again that it does not run that replica (it was stopped there, or its
     * record was lost): the home places it again, as if lost with a node.
     */
    /** Every replica of one environment (tenant/name) that any site reported, by site then key. */
    public java.util.List<ReplicaAt> replicasOf(String environmentKey) {
        return byEnvironment.getOrDefault(environmentKey, java.util.List.of());
    }

    public Observed withVanished(Set<String> keys) {
        return new Observed(bySite, deadSites, keys, byEnvironment);
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
        return new Observed(bySite, Set.of(sites), vanished, byEnvironment);
    }
}
