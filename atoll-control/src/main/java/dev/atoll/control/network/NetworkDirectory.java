package dev.atoll.control.network;

import dev.atoll.control.federation.Federation;
import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.network.NetworkMember;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every network member in the cloud, as this site last heard it from each site: what DNS answers,
 * which tunnels a node needs and where ingress sends connections. Gathered by asking every live site
 * for the members it runs, so no site is the registry of another's replicas. A site that does not
 * answer, or is given up for dead, drops out at once: a name must not keep pointing at a replica
 * nobody can vouch for.
 */
public final class NetworkDirectory {
    private final Map<String, List<NetworkMember>> bySite = new ConcurrentHashMap<>();

    /**
     * Asks every site (this one included) for its members; answers arrive asynchronously. Sites
     * that had none when last asked are asked only when {@code everyone} is true: most sites run no
     * tenant network, and asking each of them as often costs sites squared.
     */
    public void refresh(Federation federation, Set<String> deadSites, boolean everyone) {
        Set<String> sites = new HashSet<>(federation.siteNames());
        bySite.keySet().removeIf(site -> deadSites.contains(site) || !sites.contains(site));
        for (String site : federation.siteNames()) {
            if (deadSites.contains(site)) continue;
            List<NetworkMember> known = bySite.get(site);
            if (!everyone && known != null && known.isEmpty()) continue;
            federation.networkMembers(site).whenComplete((members, error) -> {
                if (error != null) bySite.remove(site);
                else bySite.put(site, List.copyOf(members));
            });
        }
    }

    /** Asks every site; see {@link #refresh(Federation, Set, boolean)}. */
    public void refresh(Federation federation, Set<String> deadSites) {
        refresh(federation, deadSites, true);
    }

    public List<NetworkMember> members() {
        List<NetworkMember> all = new ArrayList<>();
        for (var members : bySite.values()) all.addAll(members);
        all.sort(java.util.Comparator.comparing((NetworkMember m) -> m.id().key())
                .thenComparing(NetworkMember::site));
        return all;
    }

    /** The members of one tenant's environments. */
    public List<NetworkMember> membersOf(Set<String> tenants) {
        return members().stream().filter(m -> tenants.contains(m.id().tenant())).toList();
    }

    /** Addresses taken on a tenant's network by any member the directory knows. */
    public Set<String> addressesInUse(String tenant, String network) {
        Set<String> used = new HashSet<>();
        for (var members : bySite.values()) {
            for (NetworkMember m : members) {
                if (!m.id().tenant().equals(tenant)) continue;
                for (NetworkAttachment a : m.networks()) if (a.network().equals(network)) used.add(a.address());
            }
        }
        return used;
    }
}
