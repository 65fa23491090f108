package dev.atoll.placement;

import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.ServiceSpec;
import java.util.Set;

/**
 * What one replica of a service needs from a node, and the node filters shared by site selection
 * (on summaries) and node selection (on exact state). Built once per request so the per-node
 * checks are plain comparisons.
 */
final class NodeFit {
    /** Why a node cannot take the replica; {@code null} from {@link #check} means it can. */
    enum Reject {
        NOT_READY,
        NO_DRIVER,
        NO_NETWORKS,
        NO_SLOTS,
        SHORT_OF_CPU,
        SHORT_OF_MEMORY,
        MISSING_TAGS,
        ANTI_AFFINITY,
        SPREAD
    }

    final ServiceSpec service;
    final String driver;
    final long cpu;
    final long memory;
    final String[] requiredTags;
    final boolean needsTenantNetworks;

    NodeFit(ServiceSpec service) {
        this.service = service;
        this.driver = service.driver().wireName();
        this.needsTenantNetworks = !service.networks().isEmpty();
        this.cpu = service.resources().cpuMillis();
        this.memory = service.resources().memoryBytes();
        this.requiredTags = sorted(service.placement().requireTags());
    }

    private static final String[] NONE = new String[0];

    /** Sorted so explanations read the same every time; no stream, as this runs per request. */
    static String[] sorted(Set<String> tags) {
        if (tags.isEmpty()) return NONE;
        String[] out = tags.toArray(NONE);
        java.util.Arrays.sort(out);
        return out;
    }

    /** Required tags the site itself does not carry, so each node has to. */
    String[] tagsNeededFromNodes(Set<String> siteTags) {
        int missing = 0;
        for (String t : requiredTags) if (!siteTags.contains(t)) missing++;
        if (missing == requiredTags.length) return requiredTags;
        String[] out = new String[missing];
        int i = 0;
        for (String t : requiredTags) if (!siteTags.contains(t)) out[i++] = t;
        return out;
    }

    /**
     * The resource and capability filters, cheapest first: a boolean, a set lookup, then int and
     * long comparisons, then a loop over tags. The order is also the order of permanence (a node
     * that is down or lacks the driver is a worse match than one that is momentarily full), so the
     * first failing reason is the one worth telling the user.
     */
    Reject check(
            boolean ready,
            Set<String> drivers,
            boolean tenantNetworks,
            int freeSlots,
            long freeCpu,
            long freeMemory,
            Set<String> nodeTags,
            String[] tagsNeededFromNodes) {
        if (!ready) return Reject.NOT_READY;
        if (!drivers.contains(driver)) return Reject.NO_DRIVER;
        if (needsTenantNetworks && !tenantNetworks) return Reject.NO_NETWORKS;
        if (freeSlots < 1) return Reject.NO_SLOTS;
        if (freeCpu < cpu) return Reject.SHORT_OF_CPU;
        if (freeMemory < memory) return Reject.SHORT_OF_MEMORY;
        for (String t : tagsNeededFromNodes) if (!nodeTags.contains(t)) return Reject.MISSING_TAGS;
        return null;
    }

    /** Counts {@code count} rejections with the text users read. */
    void count(Explanation.Tally tally, Reject reason, int count, long mostFreeCpu, long mostFreeMemory) {
        switch (reason) {
            case NOT_READY -> tally.reject("not ready", count);
            case NO_DRIVER -> tally.reject("without driver " + driver, count);
            case NO_NETWORKS -> tally.reject("without tenant networks", count);
            case NO_SLOTS -> tally.reject("out of instance slots", count);
            case SHORT_OF_CPU -> tally.shortOf(Explanation.Shortage.CPU, cpu, mostFreeCpu, count);
            case SHORT_OF_MEMORY -> tally.shortOf(Explanation.Shortage.MEMORY, memory, mostFreeMemory, count);
            case MISSING_TAGS -> tally.reject(missingTags(requiredTags), count);
            case ANTI_AFFINITY -> tally.reject("already running a replica (anti-affinity node)", count);
            case SPREAD -> tally.reject(spreadReason(service.placement(), "nodes"), count);
        }
    }

    static String missingTags(String[] tags) {
        return (tags.length == 1 ? "without required tag " : "without required tags ") + String.join(" and ", tags);
    }

    static String spreadReason(PlacementIntent intent, String domains) {
        int min = intent.spread().map(PlacementIntent.Spread::minDomains).orElse(0);
        return "already running a replica (spread over at least " + min + " " + domains + ")";
    }

    /** SplitMix64's finaliser: a well-mixed, platform-independent hash for seeded tie-breaks. */
    static long tieBreak(long seed, String name) {
        return mix(seed + 0x9E3779B97F4A7C15L * (name.hashCode() + 0x632BE59BD9B4E019L));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
