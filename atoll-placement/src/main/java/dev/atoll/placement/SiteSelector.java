package dev.atoll.placement;

import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.placement.NodeFit.Reject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Chooses the site to offer one replica to, from site summaries: the first level of placement, run
 * by the environment's home site. The chosen site checks its exact state and may still decline;
 * the alternatives say where to go next.
 *
 * <p>Filters, cheapest first (set lookups, then latency arithmetic, then a scan of the site's
 * nodes): not already declined, healthy, jurisdiction, country, pinned sites, avoided sites,
 * anti-affinity across sites, spread across sites, {@code nearUsers} latency bounds, required
 * tags (on the site or on some node), anti-affinity across nodes (counted: a site needs a node
 * without a replica), and some ready node with the driver, a slot, the cpu, the memory and the
 * tags. Summaries cannot say which node holds which replica, so node-level anti-affinity and
 * spread are only checked where counts allow; the target site decides exactly.
 *
 * <p>Scores (higher is better, summed): spread (fewer replicas of this service there; with
 * {@code strategy: pack}, more), near users (lower mean RTT to the user regions, scaled between
 * the nearest and the farthest feasible site; measured RTTs where the {@link LatencyModel} has
 * them, the distance estimate elsewhere), the share of {@code preferTags} found on the site
 * or its nodes, and a light weight for free capacity (more with spread, less with pack). Ties go
 * to the lowest seeded hash of the site's name.
 */
public final class SiteSelector {
    /** Free capacity only separates sites that are otherwise alike. */
    private static final double FREE_CAPACITY_WEIGHT = 0.25;

    private SiteSelector() {}

    public static SiteDecision select(SiteRequest request) {
        var service = request.service();
        PlacementIntent intent = service.placement();
        NodeFit fit = new NodeFit(service);
        List<UserRegion> regions = intent.nearUsers();
        boolean spreadStrategy = intent.strategy() == Strategy.SPREAD;
        boolean mustUseNewSite = mustUseNewSite(request);
        List<SiteSummary> sites = request.sites();
        int n = sites.size();

        Explanation.Tally tally = Explanation.tally("sites");
        // Per feasible site, what the scorers need.
        int[] feasible = new int[n];
        double[] meanRtt = new double[n];
        long[] freeCpu = new long[n];
        long[] freeMemory = new long[n];
        double[] preferred = new double[n];
        int fits = 0;
        double[] rtt = new double[regions.size()];

        for (int s = 0; s < n; s++) {
            SiteSummary summary = sites.get(s);
            var site = summary.site();
            tally.considered();
            int replicasHere = replicas(request, site.name());

            if (request.excludedSites().contains(site.name())) {
                tally.reject("declined this replica");
                continue;
            }
            if (!summary.healthy()) {
                tally.reject("unhealthy");
                continue;
            }
            if (!intent.jurisdictions().isEmpty() && !intent.jurisdictions().contains(site.jurisdiction())) {
                tally.reject("outside jurisdiction " + either(intent.jurisdictions()));
                continue;
            }
            if (!intent.countries().isEmpty() && !intent.countries().contains(site.country())) {
                tally.reject("outside country " + either(intent.countries()));
                continue;
            }
            if (!intent.sites().isEmpty() && !intent.sites().contains(site.name())) {
                tally.reject("not among pinned sites " + either(intent.sites()));
                continue;
            }
            if (intent.avoidSites().contains(site.name())) {
                tally.reject("avoided");
                continue;
            }
            if (intent.antiAffinity() == AntiAffinity.SITE && replicasHere > 0) {
                tally.reject("already running a replica (anti-affinity site)");
                continue;
            }
            if (mustUseNewSite && replicasHere > 0) {
                tally.reject(NodeFit.spreadReason(intent, "sites"));
                continue;
            }
            String tooFar = null;
            double rttSum = 0;
            for (int r = 0; r < regions.size(); r++) {
                UserRegion region = regions.get(r);
                rtt[r] = request.latency().rttMs(site, region);
                rttSum += rtt[r];
                if (tooFar == null
                        && region.maxLatencyMs().isPresent()
                        && rtt[r] > region.maxLatencyMs().get()) {
                    // Only a measured figure is marked: the estimate is the default reading.
                    tooFar = "too far from users in " + region.name() + " (max "
                            + region.maxLatencyMs().get() + " ms"
                            + (request.latency().isMeasured(site, region) ? ", measured)" : ")");
                }
            }
            if (tooFar != null) {
                tally.reject(tooFar);
                continue;
            }
            String[] tagsFromNodes = fit.tagsNeededFromNodes(site.tags());
            if (!someNodeCarries(summary.nodes(), tagsFromNodes)) {
                tally.reject(NodeFit.missingTags(fit.requiredTags));
                continue;
            }
            if (intent.antiAffinity() == AntiAffinity.NODE && summary.nodes().size() <= replicasHere) {
                tally.reject("already running a replica on every node (anti-affinity node)");
                continue;
            }
            if (!someNodeFits(fit, summary, tagsFromNodes, tally)) continue;

            tally.fit();
            feasible[fits] = s;
            meanRtt[fits] = regions.isEmpty() ? 0 : rttSum / regions.size();
            freeCpu[fits] = summary.free().cpuMillis();
            freeMemory[fits] = summary.free().memoryBytes();
            preferred[fits] = preferredShare(intent.preferTags(), summary);
            fits++;
        }
        if (fits == 0) return new SiteDecision.NoSite(tally.build());

        double minRtt = Double.POSITIVE_INFINITY;
        double maxRtt = 0;
        long maxCpu = 0;
        long maxMemory = 0;
        for (int f = 0; f < fits; f++) {
            minRtt = Math.min(minRtt, meanRtt[f]);
            maxRtt = Math.max(maxRtt, meanRtt[f]);
            maxCpu = Math.max(maxCpu, freeCpu[f]);
            maxMemory = Math.max(maxMemory, freeMemory[f]);
        }
        Ranked[] ranked = new Ranked[fits];
        for (int f = 0; f < fits; f++) {
            String name = sites.get(feasible[f]).name();
            int replicasHere = replicas(request, name);
            double score = spreadStrategy ? 1.0 / (1 + replicasHere) : replicasHere / (1.0 + replicasHere);
            if (!regions.isEmpty()) score += maxRtt == minRtt ? 1 : (maxRtt - meanRtt[f]) / (maxRtt - minRtt);
            score += preferred[f];
            double free = (share(freeCpu[f], maxCpu) + share(freeMemory[f], maxMemory)) / 2;
            score += FREE_CAPACITY_WEIGHT * (spreadStrategy ? free : 1 - free);
            ranked[f] = new Ranked(name, score, NodeFit.tieBreak(request.seed(), name));
        }
        Arrays.sort(ranked);
        List<String> alternatives = new ArrayList<>(fits - 1);
        for (int f = 1; f < fits; f++) alternatives.add(ranked[f].site);
        return new SiteDecision.Chosen(ranked[0].site, alternatives);
    }

    private record Ranked(String site, double score, long tie) implements Comparable<Ranked> {
        @Override
        public int compareTo(Ranked o) {
            int byScore = Double.compare(o.score, score);
            return byScore != 0 ? byScore : Long.compare(tie, o.tie);
        }
    }

    /**
     * With {@code spread: {across: site, minDomains: N}}: when the replicas still to place are just
     * enough to reach N distinct sites, this one has to open a new site.
     */
    static boolean mustUseNewSite(SiteRequest request) {
        var spread = request.service().placement().spread();
        if (spread.isEmpty() || spread.get().across() != Domain.SITE) return false;
        int used = 0;
        for (Integer r : request.replicasPerSite().values()) if (r != null && r > 0) used++;
        int needed = spread.get().minDomains() - used;
        return needed > 0 && needed >= request.replicasStillToPlace();
    }

    private static int replicas(SiteRequest request, String site) {
        Integer r = request.replicasPerSite().get(site);
        return r == null ? 0 : r;
    }

    private static boolean someNodeCarries(List<NodeCapacity> nodes, String[] tags) {
        if (tags.length == 0) return true;
        for (String tag : tags) {
            boolean found = false;
            for (NodeCapacity node : nodes) {
                if (node.tags().contains(tag)) {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    }

    /**
     * Whether a ready node of the site can take the replica. When none can, the site is counted
     * under the reason most of its nodes gave, so "short of memory" reads the same at both levels.
     */
    private static boolean someNodeFits(
            NodeFit fit, SiteSummary summary, String[] tagsFromNodes, Explanation.Tally tally) {
        List<NodeCapacity> nodes = summary.nodes();
        for (int i = 0, n = nodes.size(); i < n; i++) {
            NodeCapacity node = nodes.get(i);
            if (check(fit, node, tagsFromNodes) == null) return true;
        }
        Reject[] all = Reject.values();
        int[] counts = new int[all.length];
        long mostFreeCpu = 0;
        long mostFreeMemory = 0;
        Reject primary = null;
        for (NodeCapacity node : nodes) {
            Reject r = check(fit, node, tagsFromNodes);
            counts[r.ordinal()]++;
            if (primary == null || counts[r.ordinal()] > counts[primary.ordinal()]) primary = r;
            if (r == Reject.SHORT_OF_CPU)
                mostFreeCpu = Math.max(mostFreeCpu, node.free().cpuMillis());
            if (r == Reject.SHORT_OF_MEMORY)
                mostFreeMemory = Math.max(mostFreeMemory, node.free().memoryBytes());
        }
        if (primary == null) tally.reject("without nodes");
        else fit.count(tally, primary, 1, mostFreeCpu, mostFreeMemory);
        return false;
    }

    private static Reject check(NodeFit fit, NodeCapacity node, String[] tagsFromNodes) {
        return fit.check(
                node.ready(),
                node.drivers(),
                // Summaries do not say; the target's node choice does, and its rejection says why.
                true,
                node.freeSlots(),
                node.free().cpuMillis(),
                node.free().memoryBytes(),
                node.tags(),
                tagsFromNodes);
    }

    private static double preferredShare(Set<String> preferTags, SiteSummary summary) {
        if (preferTags.isEmpty()) return 0;
        int found = 0;
        for (String tag : preferTags) {
            if (summary.site().tags().contains(tag)) {
                found++;
                continue;
            }
            for (NodeCapacity node : summary.nodes()) {
                if (node.tags().contains(tag)) {
                    found++;
                    break;
                }
            }
        }
        return (double) found / preferTags.size();
    }

    private static double share(long amount, long max) {
        return max == 0 ? 0 : (double) amount / max;
    }

    /** "EU", "EU or UK": sorted so the same spec always reads the same. */
    private static String either(Set<String> values) {
        if (values.size() == 1) return values.iterator().next();
        return String.join(" or ", new TreeSet<>(values));
    }
}
