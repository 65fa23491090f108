package dev.atoll.control.gossip;

import dev.atoll.model.topology.SiteInfo;
import java.util.List;
import java.util.Set;

/**
 * What a site gossips about itself: small enough to travel in every membership update, enough for
 * another site's home role to pick it as a placement target and to reach it.
 *
 * @param site the site's name; the key of {@link Membership#members()}
 * @param info where the site is and under which law
 * @param apiAddress host:port of the site's REST API
 * @param internalAddress host:port of the site's internal (offer, Raft) endpoint
 * @param freeCapacity how many nodes of each class could still take one more instance of that size
 * @param instances the number of instances the site runs
 * @param health a one-word summary, e.g. "ok" or "degraded"
 * @param version the Atoll version the site runs
 * @param sequence raised on every publish; a card with a higher sequence replaces a lower one
 */
public record SiteCard(
        String site,
        SiteInfo info,
        String apiAddress,
        String internalAddress,
        List<FreeNodes> freeCapacity,
        int instances,
        String health,
        String version,
        long sequence) {

    public SiteCard {
        freeCapacity = List.copyOf(freeCapacity);
        if (!site.equals(info.name())) {
            throw new IllegalArgumentException("card for " + site + " carries the info of " + info.name());
        }
    }

    /** The same card with another sequence. */
    public SiteCard withSequence(long next) {
        return new SiteCard(site, info, apiAddress, internalAddress, freeCapacity, instances, health, version, next);
    }

    /**
     * A kind of node, described by what a placement needs to know: its free resources, the drivers
     * it runs and its tags.
     */
    public record NodeClass(long cpuMillis, long memoryBytes, Set<String> drivers, Set<String> tags) {
        public NodeClass {
            drivers = Set.copyOf(drivers);
            tags = Set.copyOf(tags);
        }
    }

    /** How many nodes of a class are free. */
    public record FreeNodes(NodeClass nodeClass, int count) {}
}
