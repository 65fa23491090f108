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
    /** Raised whenever {@link #bySite} changes, so that what is worked out from it can be kept until then. */
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

    private volatile SortedMembers sorted = new SortedMembers(-1, List.of());

    private record SortedMembers(long version, List<NetworkMember> members) {}

    // What the last refresh saw, so that a refresh with nothing new returns at once.
    private Map<String, Long> lastSpread;
    private Set<String> lastDead = Set.of();
    private final java.util.concurrent.atomic.AtomicInteger asking = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean answerFailed;
    private int unversionedWithMembers = Integer.MAX_VALUE;

    /** The version each site had spread when its members in {@link #bySite} were asked for. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();

    /**
     * Asks every site (this one included) for its members; answers arrive asynchronously. Sites
     * that had none when last asked are asked only when {@code everyone} is true: most sites run no
     * tenant network, and asking each of them as often costs sites squared.
     */
    public void refresh(Federation federation, Set<String> deadSites, boolean everyone) {
        Map<String, Long> spread = federation.networkMembersVersions();
        // Nothing to ask when the versions spread are the very ones of the last pass, every answer
        // came, and no site without a version needs asking on the schedule: one comparison instead
        // of a look at every site, ten times a second, in a cloud of a thousand.
        if (!everyone
                && spread == lastSpread
                && deadSites.equals(lastDead)
                && asking.get() == 0
                && !answerFailed
                && unversionedWithMembers == 0) {
            return;
        }
        lastSpread = spread;
        lastDead = deadSites;
        answerFailed = false;
        Set<String> sites = new HashSet<>(federation.siteNames());
        if (bySite.keySet().removeIf(site -> deadSites.contains(site) || !sites.contains(site))) {
            version.incrementAndGet();
        }
        versions.keySet().retainAll(bySite.keySet());
        int unversioned = 0;
        for (String site : federation.siteNames()) {
            if (deadSites.contains(site)) continue;
            List<NetworkMember> known = bySite.get(site);
            Long spreadVersion = spread.get(site);
            if (spreadVersion != null) {
                // Asked only when the site spread a version other than the one held.
                Long held = versions.get(site);
                if (known != null && spreadVersion.equals(held)) continue;
            } else {
                if (known == null || !known.isEmpty()) unversioned++;
                if (!everyone && known != null && known.isEmpty()) continue;
            }
            asking.incrementAndGet();
            federation.networkMembers(site).whenComplete((members, error) -> {
                if (error != null) {
                    if (bySite.remove(site) != null) version.incrementAndGet();
                    versions.remove(site);
                    answerFailed = true;
                } else {
                    if (!List.copyOf(members).equals(bySite.put(site, List.copyOf(members)))) version.incrementAndGet();
                    if (spreadVersion != null) versions.put(site, spreadVersion);
                    else versions.remove(site);
                }
                asking.decrementAndGet();
            });
        }
        unversionedWithMembers = unversioned;
    }

    /** Asks every site; see {@link #refresh(Federation, Set, boolean)}. */
    public void refresh(Federation federation, Set<String> deadSites) {
        refresh(federation, deadSites, true);
    }

    /** Changes whenever the members do. */
    public long version() {
        return version.get();
    }

    /** Every member, by instance key then site; worked out again only when they changed. */
    public List<NetworkMember> members() {
        SortedMembers cached = sorted;
        long now = version.get();
        if (cached.version() == now) return cached.members();
        List<NetworkMember> all = new ArrayList<>();
        for (var members : bySite.values()) all.addAll(members);
        all.sort(java.util.Comparator.comparing((NetworkMember m) -> m.id().key())
                .thenComparing(NetworkMember::site));
        cached = new SortedMembers(now, List.copyOf(all));
        sorted = cached;
        return cached.members();
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
