package dev.atoll.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.model.spec.PlacementIntent.Spread;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.model.topology.Topology;
import dev.atoll.model.topology.Topology.SiteTopology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Placement invariants over random clouds and random services. */
class PlacementPropertiesTest {
    private static final List<String> JURISDICTIONS = List.of("EU", "UK", "US");
    private static final List<String> TAGS = List.of("ssd", "gpu", "green");

    record Case(Topology topology, ServiceSpec service, int replicas, long seed) {}

    @Property(tries = 300)
    void noNodeIsEverOverCommitted(@ForAll("anyCase") Case c) {
        CloudCapacity cloud = CloudCapacity.of(c.topology());
        var result = new Placer(cloud, LatencyModel.ESTIMATED).place(c.service(), c.replicas(), c.seed());

        Map<String, Integer> instances = new HashMap<>();
        for (Assignment a : result.assignments()) instances.merge(a.site() + "/" + a.node(), 1, Integer::sum);
        for (SiteTopology site : c.topology().sites()) {
            for (NodeInfo node : site.nodes()) {
                int n = instances.getOrDefault(node.id(), 0);
                Resources used = c.service().resources().times(n);
                assertThat(used.fitsIn(node.capacity()))
                        .as("resources on %s", node.id())
                        .isTrue();
                assertThat(n).as("slots on %s", node.id()).isLessThanOrEqualTo(node.instanceSlots());
                assertThat(cloud.node(site.site().name(), node.name()).allocated())
                        .isEqualTo(used);
            }
        }
    }

    @Property(tries = 300)
    void everyPlacementKeepsEveryHardConstraint(@ForAll("anyCase") Case c) {
        var result = new Placer(CloudCapacity.of(c.topology()), LatencyModel.ESTIMATED)
                .place(c.service(), c.replicas(), c.seed());
        PlacementIntent intent = c.service().placement();
        Map<String, SiteInfo> sites = new HashMap<>();
        Map<String, NodeInfo> nodes = new HashMap<>();
        for (SiteTopology s : c.topology().sites()) {
            sites.put(s.site().name(), s.site());
            for (NodeInfo n : s.nodes()) nodes.put(n.id(), n);
        }
        Set<String> usedSites = new HashSet<>();
        Set<String> usedNodes = new HashSet<>();
        for (Assignment a : result.assignments()) {
            SiteInfo site = sites.get(a.site());
            NodeInfo node = nodes.get(a.site() + "/" + a.node());
            assertThat(node.drivers()).contains(c.service().driver().wireName());
            if (!intent.jurisdictions().isEmpty())
                assertThat(intent.jurisdictions()).contains(site.jurisdiction());
            if (!intent.countries().isEmpty()) assertThat(intent.countries()).contains(site.country());
            if (!intent.sites().isEmpty()) assertThat(intent.sites()).contains(site.name());
            assertThat(intent.avoidSites()).doesNotContain(site.name());
            Set<String> tags = new HashSet<>(site.tags());
            tags.addAll(node.tags());
            assertThat(tags).containsAll(intent.requireTags());
            for (UserRegion region : intent.nearUsers()) {
                region.maxLatencyMs()
                        .ifPresent(max -> assertThat(LatencyModel.estimateRttMs(site.location(), region.location()))
                                .isLessThanOrEqualTo(max));
            }
            if (intent.antiAffinity() == AntiAffinity.SITE)
                assertThat(usedSites).doesNotContain(a.site());
            if (intent.antiAffinity() == AntiAffinity.NODE)
                assertThat(usedNodes).doesNotContain(node.id());
            usedSites.add(a.site());
            usedNodes.add(node.id());
        }
        if (result instanceof PlacementResult.Placed && intent.spread().isPresent()) {
            Spread spread = intent.spread().get();
            int domains = spread.across() == Domain.SITE ? usedSites.size() : usedNodes.size();
            assertThat(domains).isGreaterThanOrEqualTo(Math.min(spread.minDomains(), c.replicas()));
        }
        net.jqwik.api.statistics.Statistics.label("outcome")
                .collect(result.getClass().getSimpleName());
        if (result instanceof PlacementResult.Unplaceable u) {
            int rejected = u.why().reasons().stream()
                    .mapToInt(Explanation.Reason::count)
                    .sum();
            assertThat(rejected).isEqualTo(u.why().considered() - u.why().fit());
            assertThat(u.why().fit()).isZero();
        }
    }

    @Property(tries = 300)
    void aRequestKnownToFitIsNeverReportedInfeasible(@ForAll("feasibleCase") Case c) {
        var result = new Placer(CloudCapacity.of(c.topology()), LatencyModel.ESTIMATED)
                .place(c.service(), c.replicas(), c.seed());
        assertThat(result).isInstanceOf(PlacementResult.Placed.class);
        assertThat(result.assignments()).hasSize(c.replicas());
    }

    @Property(tries = 100)
    void theSameSeedGivesTheSamePlacement(@ForAll("anyCase") Case c) {
        var first = new Placer(CloudCapacity.of(c.topology()), LatencyModel.ESTIMATED)
                .place(c.service(), c.replicas(), c.seed());
        var second = new Placer(CloudCapacity.of(c.topology()), LatencyModel.ESTIMATED)
                .place(c.service(), c.replicas(), c.seed());
        assertThat(first).isEqualTo(second);
    }

    /**
     * The placer keeps what site selection worked out for a service from one replica to the next
     * (RTTs, reasons, which sites have a node that fits); kept or fresh, the decision is the same.
     */
    @Property(tries = 200)
    void aMemoKeptAcrossReplicasDecidesAsAFreshOne(@ForAll("anyCase") Case c) {
        CloudCapacity cloud = CloudCapacity.of(c.topology());
        var memo = new SiteSelector.Memo(c.service(), LatencyModel.ESTIMATED);
        Map<String, Integer> perSite = new HashMap<>();
        Map<String, Map<String, Integer>> perNode = new HashMap<>();
        for (int i = 0; i < c.replicas(); i++) {
            var request = new SiteRequest(
                    c.service(),
                    cloud.summaries(),
                    perSite,
                    c.replicas() - i,
                    Set.of(),
                    LatencyModel.ESTIMATED,
                    c.seed() + i);

            SiteDecision kept = SiteSelector.select(request, memo);

            assertThat(kept).isEqualTo(SiteSelector.select(request));
            if (!(kept instanceof SiteDecision.Chosen site)) return;
            var node = NodeSelector.select(new NodeRequest(
                    c.service(),
                    cloud.site(site.site()),
                    cloud.nodes(site.site()),
                    perNode.getOrDefault(site.site(), Map.of()),
                    c.replicas() - i,
                    c.seed() + i));
            if (!(node instanceof NodeDecision.Chosen chosen)) return;
            cloud.allocate(site.site(), chosen.node(), c.service().resources());
            perSite.merge(site.site(), 1, Integer::sum);
            perNode.computeIfAbsent(site.site(), s -> new HashMap<>()).merge(chosen.node(), 1, Integer::sum);
        }
    }

    // ---- generators

    @Provide
    Arbitrary<Case> anyCase() {
        return Combinators.combine(
                        topologies(true), services(), Arbitraries.integers().between(1, 30), seeds())
                .as((topology, service, replicas, seed) -> new Case(topology, service, replicas, seed));
    }

    /**
     * Clouds where every site is healthy and every node is ready with the process driver, and a
     * service with at most one hard constraint besides resources, asking for no more replicas than
     * the eligible nodes can hold: a greedy placer must always succeed.
     */
    @Provide
    Arbitrary<Case> feasibleCase() {
        return Combinators.combine(
                        topologies(false),
                        resources(),
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.of(Strategy.values()),
                        Arbitraries.integers().between(1, 40),
                        seeds())
                .as((topology, need, constraint, jurisdiction, strategy, wanted, seed) -> {
                    String j = JURISDICTIONS.get(jurisdiction);
                    boolean keepToJurisdiction = topology.sites().stream()
                            .anyMatch(s -> s.site().jurisdiction().equals(j) && room(s, need) > 0);
                    List<SiteTopology> eligible = topology.sites().stream()
                            .filter(s -> !keepToJurisdiction
                                    || s.site().jurisdiction().equals(j))
                            .toList();
                    int capacity =
                            eligible.stream().mapToInt(s -> room(s, need)).sum();
                    int sitesWithRoom = (int)
                            eligible.stream().filter(s -> room(s, need) > 0).count();
                    int nodesWithRoom = eligible.stream()
                            .flatMap(s -> s.nodes().stream())
                            .mapToInt(n -> Math.min(1, room(n, need)))
                            .sum();
                    Optional<Spread> spread = Optional.empty();
                    AntiAffinity anti = AntiAffinity.NONE;
                    int replicas = Math.min(wanted, capacity);
                    switch (constraint) {
                        case 1 -> {
                            anti = AntiAffinity.NODE;
                            replicas = Math.min(replicas, nodesWithRoom);
                        }
                        case 2 -> {
                            anti = AntiAffinity.SITE;
                            replicas = Math.min(replicas, sitesWithRoom);
                        }
                        case 3 -> spread = Optional.of(new Spread(Domain.SITE, Math.min(sitesWithRoom, replicas)));
                        case 4 -> spread = Optional.of(new Spread(Domain.NODE, Math.min(nodesWithRoom, replicas)));
                        default -> {}
                    }
                    var intent = new PlacementIntent(
                            keepToJurisdiction ? Set.of(j) : Set.of(),
                            Set.of(),
                            Set.of(),
                            Set.of(),
                            Set.of(),
                            Set.of(),
                            List.of(),
                            spread,
                            anti,
                            strategy);
                    return new Case(topology, service(need, DriverKind.PROCESS, intent), Math.max(0, replicas), seed);
                });
    }

    private static int room(SiteTopology site, Resources need) {
        return site.nodes().stream().mapToInt(n -> room(n, need)).sum();
    }

    private static int room(NodeInfo node, Resources need) {
        long byCpu = need.cpuMillis() == 0 ? Integer.MAX_VALUE : node.capacity().cpuMillis() / need.cpuMillis();
        long byMemory =
                need.memoryBytes() == 0 ? Integer.MAX_VALUE : node.capacity().memoryBytes() / need.memoryBytes();
        return (int) Math.min(node.instanceSlots(), Math.min(byCpu, byMemory));
    }

    private Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    private Arbitrary<Resources> resources() {
        return Combinators.combine(
                        Arbitraries.longs().between(1, 20).map(x -> x * 100),
                        Arbitraries.longs().between(1, 32).map(x -> x * 128L << 20))
                .as(Resources::new);
    }

    /** With {@code messy}, some sites are unhealthy and some nodes not ready or without a driver. */
    private Arbitrary<Topology> topologies(boolean messy) {
        Arbitrary<SiteTopology> site = Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.of("DE", "FR", "GB", "US"),
                        Arbitraries.subsetOf(TAGS),
                        Arbitraries.doubles().between(-60, 60),
                        Arbitraries.doubles().between(-170, 170),
                        node(messy).list().ofMinSize(1).ofMaxSize(6))
                .as((j, country, tags, lat, lon, nodes) -> withNodes(
                        new SiteInfo("s", new GeoPoint(lat, lon), country, JURISDICTIONS.get(j), tags), nodes));
        return site.list().ofMinSize(1).ofMaxSize(4).map(PlacementPropertiesTest::named);
    }

    private record NodeDraft(Resources capacity, int slots, Set<String> drivers, Set<String> tags) {}

    private Arbitrary<NodeDraft> node(boolean messy) {
        return Combinators.combine(
                        resources().map(r -> new Resources(r.cpuMillis() * 4, r.memoryBytes() * 4)),
                        Arbitraries.integers().between(1, 10),
                        messy
                                ? Arbitraries.of(Set.of("process"), Set.of("process", "oci"), Set.of("oci"))
                                : Arbitraries.just(Set.of("process")),
                        messy ? Arbitraries.subsetOf(TAGS) : Arbitraries.just(Set.<String>of()))
                .as(NodeDraft::new);
    }

    private static SiteTopology withNodes(SiteInfo site, List<NodeDraft> drafts) {
        return new SiteTopology(
                site,
                drafts.stream()
                        .map(d -> new NodeInfo(site.name(), "n", d.capacity(), d.slots(), d.drivers(), d.tags()))
                        .toList());
    }

    /** Unique site and node names, assigned by position. */
    private static Topology named(List<SiteTopology> sites) {
        List<SiteTopology> out = new ArrayList<>();
        for (int s = 0; s < sites.size(); s++) {
            SiteInfo old = sites.get(s).site();
            String name = "site-" + s;
            SiteInfo info = new SiteInfo(name, old.location(), old.country(), old.jurisdiction(), old.tags());
            List<NodeInfo> nodes = new ArrayList<>();
            var drafts = sites.get(s).nodes();
            for (int n = 0; n < drafts.size(); n++) {
                NodeInfo d = drafts.get(n);
                nodes.add(new NodeInfo(name, "node-" + n, d.capacity(), d.instanceSlots(), d.drivers(), d.tags()));
            }
            out.add(new SiteTopology(info, nodes));
        }
        return new Topology(out);
    }

    private Arbitrary<ServiceSpec> services() {
        Arbitrary<PlacementIntent> intents = Combinators.combine(
                        Arbitraries.subsetOf(JURISDICTIONS),
                        Arbitraries.subsetOf("DE", "FR", "GB", "US").ofMaxSize(2),
                        Arbitraries.subsetOf("site-0", "site-1", "site-2").ofMaxSize(2),
                        Arbitraries.subsetOf("site-0", "site-1").ofMaxSize(1),
                        Arbitraries.subsetOf(TAGS).ofMaxSize(1),
                        userRegions(),
                        spreads(),
                        Arbitraries.of(AntiAffinity.values()))
                .as((j, c, pins, avoid, tags, regions, spread, anti) -> new PlacementIntent(
                        j, c, pins, avoid, tags, Set.of("green"), regions, spread, anti, Strategy.SPREAD));
        return Combinators.combine(
                        resources(),
                        Arbitraries.of(DriverKind.PROCESS, DriverKind.OCI),
                        intents,
                        Arbitraries.of(Strategy.values()))
                .as((need, driver, intent, strategy) -> service(
                        need,
                        driver,
                        new PlacementIntent(
                                intent.jurisdictions(),
                                intent.countries(),
                                intent.sites(),
                                intent.avoidSites(),
                                intent.requireTags(),
                                intent.preferTags(),
                                intent.nearUsers(),
                                intent.spread(),
                                intent.antiAffinity(),
                                strategy)));
    }

    private Arbitrary<List<UserRegion>> userRegions() {
        Arbitrary<UserRegion> region = Combinators.combine(
                        Arbitraries.doubles().between(-60, 60),
                        Arbitraries.doubles().between(-170, 170),
                        Arbitraries.integers().between(5, 150).optional())
                .as((lat, lon, max) -> new UserRegion("users", new GeoPoint(lat, lon), max));
        return region.list().ofMaxSize(2);
    }

    private Arbitrary<Optional<Spread>> spreads() {
        return Combinators.combine(
                        Arbitraries.of(Domain.values()), Arbitraries.integers().between(1, 4))
                .as(Spread::new)
                .optional();
    }

    private static ServiceSpec service(Resources need, DriverKind driver, PlacementIntent intent) {
        return new ServiceSpec(
                "web",
                driver,
                List.of("x"),
                Map.of(),
                need,
                List.of(),
                Optional.empty(),
                1,
                RestartPolicy.ALWAYS,
                intent);
    }
}
