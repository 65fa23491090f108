package dev.atoll.control.gossip;

import dev.atoll.model.Resources;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.NodeCapacity;
import dev.atoll.placement.SiteSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a site gossips about itself: small enough to travel in every membership update, enough for
 * another site's home role to pick it as a placement target and to reach it.
 *
 * <p>Cards arrive from the network, so the constructor refuses anything missing or negative; the
 * codec turns such a card into a warning, never into a site.
 *
 * @param site the site's name; the key of {@link Membership#members()}
 * @param info where the site is and under which law
 * @param apiUrl base URL of the site's REST API, e.g. {@code http://127.0.0.1:7070}
 * @param wireAddresses host:port of the internal wire endpoint (offers, Raft) of each of the site's
 *     controllers, so an offer can go to whichever answers
 * @param freeCapacity how many ready nodes of each class the site has, with what they have free
 * @param instances the number of instances the site runs
 * @param health {@link #HEALTHY} or a one-word reason it is not, e.g. "degraded"
 * @param version the Atoll version the site runs
 * @param sequence raised on every publish; a card with a higher sequence replaces a lower one
 */
public record SiteCard(
        String site,
        SiteInfo info,
        String apiUrl,
        List<String> wireAddresses,
        List<FreeNodes> freeCapacity,
        int instances,
        String health,
        String version,
        long sequence) {

    /** The health of a site that can take new replicas. */
    public static final String HEALTHY = "ok";

    public SiteCard {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(version, "version");
        wireAddresses = List.copyOf(wireAddresses);
        freeCapacity = List.copyOf(freeCapacity);
        if (!site.equals(info.name())) {
            throw new IllegalArgumentException("card for " + site + " carries the info of " + info.name());
        }
        if (instances < 0 || sequence < 0) {
            throw new IllegalArgumentException("card for " + site + " has a negative count");
        }
        long nodes = 0;
        for (FreeNodes free : freeCapacity) nodes += free.count();
        if (nodes > MAX_NODES) {
            throw new IllegalArgumentException("card for " + site + " claims " + nodes + " nodes");
        }
    }

    /**
     * The card of a site from its own summary: ready nodes that have the same free resources,
     * slots, drivers and tags are gossiped as one class with a count, which keeps a card small
     * for sites of many alike nodes.
     */
    public static SiteCard of(
            SiteSummary summary, String apiUrl, List<String> wireAddresses, int instances, String version) {
        Map<NodeClass, Integer> classes = new LinkedHashMap<>();
        for (NodeCapacity node : summary.nodes()) {
            if (!node.ready()) continue;
            var nodeClass = new NodeClass(
                    node.free().cpuMillis(), node.free().memoryBytes(), node.freeSlots(), node.drivers(), node.tags());
            classes.merge(nodeClass, 1, Integer::sum);
        }
        List<FreeNodes> free = new ArrayList<>();
        classes.forEach((nodeClass, count) -> free.add(new FreeNodes(nodeClass, count)));
        return new SiteCard(
                summary.name(),
                summary.site(),
                apiUrl,
                wireAddresses,
                free,
                instances,
                summary.healthy() ? HEALTHY : "unhealthy",
                version,
                0);
    }

    /**
     * The summary placement reads, one {@link NodeCapacity} per node of each class (named
     * {@code class-C-N}: the card does not carry node names, the target site picks the node).
     *
     * @param fresh false when the card is too old to trust: the site is then unhealthy
     */
    public SiteSummary toSummary(boolean fresh) {
        List<NodeCapacity> nodes = new ArrayList<>();
        for (int c = 0; c < freeCapacity.size(); c++) {
            FreeNodes free = freeCapacity.get(c);
            NodeClass k = free.nodeClass();
            for (int n = 0; n < free.count(); n++) {
                nodes.add(new NodeCapacity(
                        "class-" + c + "-" + n,
                        new Resources(k.cpuMillis(), k.memoryBytes()),
                        k.freeSlots(),
                        k.drivers(),
                        k.tags(),
                        true));
            }
        }
        return new SiteSummary(info, fresh && HEALTHY.equals(health), nodes);
    }

    /** The same card with another sequence. */
    public SiteCard withSequence(long next) {
        return new SiteCard(site, info, apiUrl, wireAddresses, freeCapacity, instances, health, version, next);
    }

    /** The same card with another instance count. */
    public SiteCard withInstances(int count) {
        return new SiteCard(site, info, apiUrl, wireAddresses, freeCapacity, count, health, version, sequence);
    }

    /**
     * A kind of node, described by what a placement needs to know: its free resources and
     * instance slots, the drivers it runs and its tags.
     */
    public record NodeClass(long cpuMillis, long memoryBytes, int freeSlots, Set<String> drivers, Set<String> tags) {
        public NodeClass {
            drivers = Set.copyOf(drivers);
            tags = Set.copyOf(tags);
            if (cpuMillis < 0 || memoryBytes < 0 || freeSlots < 0) {
                throw new IllegalArgumentException("a node class has negative free resources");
            }
        }
    }

    /** How many nodes of a class are free. */
    public record FreeNodes(NodeClass nodeClass, int count) {
        public FreeNodes {
            Objects.requireNonNull(nodeClass, "nodeClass");
            if (count < 0) {
                throw new IllegalArgumentException("a node class counts " + count + " nodes");
            }
        }
    }

    /** More nodes than any site has: a bound so a forged card cannot make us allocate millions. */
    static final int MAX_NODES = 100_000;
}
