package dev.atoll.placement;

import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.NodeFit.Reject;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
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
        return select(request, new Memo(request.service(), request.latency()));
    }

    /**
     * As {@link #select(SiteRequest)}, reusing what {@code memo} already worked out for the same
     * service: the {@link Placer} asks for one replica after another, and between two asks only
     * the site that took the last replica changes.
     */
    public static SiteDecision select(SiteRequest request, Memo memo) {
        var service = request.service();
        if (memo.service != service || memo.latency != request.latency()) {
            throw new IllegalArgumentException("a memo serves the service and latency model it was made for");
        }
        PlacementIntent intent = service.placement();
        NodeFit fit = memo.fit;
        List<UserRegion> regions = intent.nearUsers();
        boolean spreadStrategy = intent.strategy() == Strategy.SPREAD;
        boolean mustUseNewSite = mustUseNewSite(request);
        List<SiteSummary> sites = request.sites();
        int n = sites.size();

        // Why each site was turned down (a reason's text or a NodeShortfall), in site order: the
        // explanation is only built from them when no site fits, as it is rarely read otherwise.
        Object[] rejected = new Object[n];
        // Only some filters count this service's replicas on a site; the others skip the lookup.
        boolean filtersCount = intent.antiAffinity() != AntiAffinity.NONE || mustUseNewSite;
        Set<String> excluded = request.excludedSites();
        // Per feasible site, what the scorers need.
        int[] feasible = new int[n];
        double[] meanRtt = new double[n];
        long[] freeCpu = new long[n];
        long[] freeMemory = new long[n];
        double[] preferred = new double[n];
        int fits = 0;

        for (int s = 0; s < n; s++) {
            SiteSummary summary = sites.get(s);
            var site = summary.site();
            int replicasHere = filtersCount ? replicas(request, site.name()) : 0;

            if (!excluded.isEmpty() && excluded.contains(site.name())) {
                rejected[s] = "declined this replica";
                continue;
            }
            if (!summary.healthy()) {
                rejected[s] = "unhealthy";
                continue;
            }
            if (!intent.jurisdictions().isEmpty() && !intent.jurisdictions().contains(site.jurisdiction())) {
                rejected[s] = memo.outsideJurisdiction();
                continue;
            }
            if (!intent.countries().isEmpty() && !intent.countries().contains(site.country())) {
                rejected[s] = memo.outsideCountry();
                continue;
            }
            if (!intent.sites().isEmpty() && !intent.sites().contains(site.name())) {
                rejected[s] = memo.notPinned();
                continue;
            }
            if (intent.avoidSites().contains(site.name())) {
                rejected[s] = "avoided";
                continue;
            }
            if (intent.antiAffinity() == AntiAffinity.SITE && replicasHere > 0) {
                rejected[s] = "already running a replica (anti-affinity site)";
                continue;
            }
            if (mustUseNewSite && replicasHere > 0) {
                rejected[s] = memo.spreadReason();
                continue;
            }
            SiteMemo known = memo.site(s, site);
            if (known.tooFar != null) {
                rejected[s] = known.tooFar;
                continue;
            }
            String[] tagsFromNodes = known.tagsFromNodes;
            if (!someNodeCarries(summary.nodes(), tagsFromNodes)) {
                rejected[s] = memo.missingTags();
                continue;
            }
            if (intent.antiAffinity() == AntiAffinity.NODE && summary.nodes().size() <= replicasHere) {
                rejected[s] = "already running a replica on every node (anti-affinity node)";
                continue;
            }
            NodeShortfall shortfall = known.shortfall(fit, summary);
            if (shortfall != null) {
                rejected[s] = shortfall;
                continue;
            }

            feasible[fits] = s;
            meanRtt[fits] = regions.isEmpty() ? 0 : known.rttSum / regions.size();
            freeCpu[fits] = summary.free().cpuMillis();
            freeMemory[fits] = summary.free().memoryBytes();
            preferred[fits] = preferredShare(intent.preferTags(), summary);
            fits++;
        }
        if (fits == 0) return new SiteDecision.NoSite(explain(rejected, fit));

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
        // The first of the best, as a stable sort would put it first; the rest sorted on demand.
        int best = 0;
        for (int f = 1; f < fits; f++) if (ranked[f].compareTo(ranked[best]) < 0) best = f;
        return new SiteDecision.Chosen(ranked[best].site, new Alternatives(ranked, best));
    }

    /**
     * The feasible sites but the chosen one, best first. Sorted when first read: the chosen site
     * usually accepts the replica, and then nobody reads them. Immutable; the order is that of a
     * stable sort of all feasible sites without the first.
     */
    static final class Alternatives extends AbstractList<String> implements RandomAccess {
        private final Ranked[] ranked;
        private final int chosen;
        private volatile String[] sorted;

        private Alternatives(Ranked[] ranked, int chosen) {
            this.ranked = ranked;
            this.chosen = chosen;
        }

        @Override
        public String get(int index) {
            return sorted()[index];
        }

        @Override
        public int size() {
            return ranked.length - 1;
        }

        private String[] sorted() {
            String[] names = sorted;
            if (names == null) {
                Ranked[] rest = new Ranked[ranked.length - 1];
                for (int f = 0, k = 0; f < ranked.length; f++) if (f != chosen) rest[k++] = ranked[f];
                Arrays.sort(rest);
                names = new String[rest.length];
                for (int k = 0; k < rest.length; k++) names[k] = rest[k].site;
                sorted = names;
            }
            return names;
        }
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
        if (request.replicasPerSite().isEmpty()) return 0;
        Integer r = request.replicasPerSite().get(site);
        return r == null ? 0 : r;
    }

    /** Every site was turned down: the reasons counted in site order, as they were met. */
    private static Explanation explain(Object[] rejected, NodeFit fit) {
        Explanation.Tally tally = Explanation.tally("sites");
        for (Object why : rejected) {
            tally.considered();
            if (why instanceof NodeShortfall shortfall) shortfall.count(fit, tally);
            else tally.reject((String) why);
        }
        return tally.build();
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
     * Why no ready node of a site can take the replica: the reason most of its nodes gave, so
     * "short of memory" reads the same at both levels ({@code primary} null: the site has no
     * nodes).
     */
    private record NodeShortfall(Reject primary, long mostFreeCpu, long mostFreeMemory) {
        void count(NodeFit fit, Explanation.Tally tally) {
            if (primary == null) tally.reject("without nodes");
            else fit.count(tally, primary, 1, mostFreeCpu, mostFreeMemory);
        }
    }

    /** Null when a ready node of the site can take the replica, else why none can. */
    private static NodeShortfall someNodeFits(NodeFit fit, SiteSummary summary, String[] tagsFromNodes) {
        List<NodeCapacity> nodes = summary.nodes();
        for (int i = 0, n = nodes.size(); i < n; i++) {
            NodeCapacity node = nodes.get(i);
            if (check(fit, node, tagsFromNodes) == null) return null;
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
        return new NodeShortfall(primary, mostFreeCpu, mostFreeMemory);
    }

    /**
     * What site selection works out for one service that does not depend on where its replicas
     * already are: the reasons' texts, each site's RTTs to the users (distance arithmetic, the
     * costliest filter), and whether some node of a site fits (a scan of its nodes), the latter
     * kept only while the site's summary is the same object, i.e. until the site changes. Every
     * value is what the selector would compute again, so a decision with a memo is the decision
     * without one. Mutable and single-threaded: one per {@link Placer#place} call, or one a home
     * keeps across the replicas of a service it places one after the other.
     */
    public static final class Memo {
        final ServiceSpec service;
        final LatencyModel latency;
        final NodeFit fit;
        private final Map<String, SiteMemo> sites = new HashMap<>();
        /** The entries by position in the last list of summaries: sites keep their order. */
        private SiteMemo[] byPosition = new SiteMemo[0];

        private String outsideJurisdiction;
        private String outsideCountry;
        private String notPinned;
        private String spreadReason;
        private String missingTags;

        public Memo(ServiceSpec service, LatencyModel latency) {
            this.service = service;
            this.latency = latency;
            this.fit = new NodeFit(service);
        }

        /** Whether this memo may serve a request for {@code service} under {@code latency} (the same objects). */
        public boolean serves(ServiceSpec service, LatencyModel latency) {
            return this.service == service && this.latency == latency;
        }

        String outsideJurisdiction() {
            if (outsideJurisdiction == null)
                outsideJurisdiction =
                        "outside jurisdiction " + either(service.placement().jurisdictions());
            return outsideJurisdiction;
        }

        String outsideCountry() {
            if (outsideCountry == null)
                outsideCountry = "outside country " + either(service.placement().countries());
            return outsideCountry;
        }

        String notPinned() {
            if (notPinned == null)
                notPinned =
                        "not among pinned sites " + either(service.placement().sites());
            return notPinned;
        }

        String spreadReason() {
            if (spreadReason == null) spreadReason = NodeFit.spreadReason(service.placement(), "sites");
            return spreadReason;
        }

        String missingTags() {
            if (missingTags == null) missingTags = NodeFit.missingTags(fit.requiredTags);
            return missingTags;
        }

        /** The entry of the site at {@code position} in the summaries, found without hashing its name. */
        SiteMemo site(int position, SiteInfo site) {
            if (position < byPosition.length) {
                SiteMemo known = byPosition[position];
                if (known != null && known.info == site) return known;
            } else {
                // Doubled, not grown by one: a first pass over a thousand sites copied it a thousand times.
                byPosition = Arrays.copyOf(byPosition, Math.max(position + 1, byPosition.length * 2));
            }
            return byPosition[position] = site(site);
        }

        /** The site's entry, worked out again when the site's description is another object. */
        SiteMemo site(SiteInfo site) {
            SiteMemo known = sites.get(site.name());
            if (known == null || known.info != site) {
                known = new SiteMemo(site, service.placement().nearUsers(), latency, fit);
                sites.put(site.name(), known);
            }
            return known;
        }
    }

    /** One site as seen by one service; see {@link Memo}. */
    static final class SiteMemo {
        final SiteInfo info;
        /** The RTTs to the service's user regions, summed in their order. */
        final double rttSum;
        /** The first user region whose bound the site misses, phrased; null when none. */
        final String tooFar;

        final String[] tagsFromNodes;
        private SiteSummary summary;
        private NodeShortfall shortfall;

        SiteMemo(SiteInfo site, List<UserRegion> regions, LatencyModel latency, NodeFit fit) {
            this.info = site;
            String far = null;
            double sum = 0;
            for (int r = 0; r < regions.size(); r++) {
                UserRegion region = regions.get(r);
                double rtt = latency.rttMs(site, region);
                sum += rtt;
                if (far == null
                        && region.maxLatencyMs().isPresent()
                        && rtt > region.maxLatencyMs().get()) {
                    // Only a measured figure is marked: the estimate is the default reading.
                    far = "too far from users in " + region.name() + " (max "
                            + region.maxLatencyMs().get() + " ms"
                            + (latency.isMeasured(site, region) ? ", measured)" : ")");
                }
            }
            this.rttSum = sum;
            this.tooFar = far;
            this.tagsFromNodes = fit.tagsNeededFromNodes(site.tags());
        }

        /** Why no node of the site fits, null when one does; scanned again once the site changed. */
        NodeShortfall shortfall(NodeFit fit, SiteSummary current) {
            if (current != summary) {
                shortfall = someNodeFits(fit, current, tagsFromNodes);
                summary = current;
            }
            return shortfall;
        }
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
