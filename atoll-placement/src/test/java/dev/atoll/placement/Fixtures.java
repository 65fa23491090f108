package dev.atoll.placement;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Quantities;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Small builders so tests read as specifications: {@code aSite("london").withNodes(3)}. */
final class Fixtures {
    private Fixtures() {}

    static Resources res(String cpu, String memory) {
        return new Resources(
                Quantities.parseCpuMillis(cpu).orElseThrow(),
                Quantities.parseMemoryBytes(memory).orElseThrow());
    }

    // ---- sites and nodes

    static SiteBuilder aSite(String name) {
        return switch (name) {
            case "london" -> new SiteBuilder(name, 51.5074, -0.1278, "GB", "UK");
            case "frankfurt" -> new SiteBuilder(name, 50.1109, 8.6821, "DE", "EU");
            case "paris" -> new SiteBuilder(name, 48.8566, 2.3522, "FR", "EU");
            case "new-york" -> new SiteBuilder(name, 40.7128, -74.0060, "US", "US");
            case "singapore" -> new SiteBuilder(name, 1.3521, 103.8198, "SG", "SG");
            default -> new SiteBuilder(name, 0, 0, "XX", "XX");
        };
    }

    static NodeBuilder aNode(String name) {
        return new NodeBuilder(name);
    }

    static final class NodeBuilder {
        final String name;
        Resources capacity = res("4", "8Gi");
        Resources allocated = Resources.ZERO;
        int slots = 16;
        int instances;
        Set<String> drivers = Set.of("process");
        Set<String> tags = Set.of();
        boolean ready = true;
        boolean tenantNetworks;

        NodeBuilder(String name) {
            this.name = name;
        }

        NodeBuilder capacity(String cpu, String memory) {
            capacity = res(cpu, memory);
            return this;
        }

        NodeBuilder allocated(String cpu, String memory) {
            allocated = res(cpu, memory);
            return this;
        }

        NodeBuilder slots(int n) {
            slots = n;
            return this;
        }

        NodeBuilder instances(int n) {
            instances = n;
            return this;
        }

        NodeBuilder drivers(String... d) {
            drivers = Set.of(d);
            return this;
        }

        NodeBuilder tagged(String... t) {
            tags = Set.of(t);
            return this;
        }

        NodeBuilder notReady() {
            ready = false;
            return this;
        }

        NodeBuilder withTenantNetworks() {
            tenantNetworks = true;
            return this;
        }

        NodeState in(String site) {
            var details =
                    tenantNetworks ? Map.of(NodeInfo.NETWORK_DETAIL, NodeInfo.NETWORK_VXLAN) : Map.<String, String>of();
            return new NodeState(
                    new NodeInfo(site, name, capacity, slots, drivers, tags, details), allocated, instances, ready);
        }
    }

    static final class SiteBuilder {
        final String name;
        final double lat;
        final double lon;
        String country;
        String jurisdiction;
        Set<String> tags = Set.of();
        boolean healthy = true;
        final List<NodeBuilder> nodes = new ArrayList<>();

        SiteBuilder(String name, double lat, double lon, String country, String jurisdiction) {
            this.name = name;
            this.lat = lat;
            this.lon = lon;
            this.country = country;
            this.jurisdiction = jurisdiction;
        }

        SiteBuilder withNodes(int n) {
            for (int i = 0; i < n; i++) nodes.add(aNode(name + "-" + (nodes.size() + 1)));
            return this;
        }

        SiteBuilder withNode(NodeBuilder node) {
            nodes.add(node);
            return this;
        }

        SiteBuilder in(String country, String jurisdiction) {
            this.country = country;
            this.jurisdiction = jurisdiction;
            return this;
        }

        SiteBuilder tagged(String... t) {
            tags = Set.of(t);
            return this;
        }

        SiteBuilder unhealthy() {
            healthy = false;
            return this;
        }

        SiteInfo info() {
            return new SiteInfo(name, new GeoPoint(lat, lon), country, jurisdiction, tags);
        }

        List<NodeState> nodeStates() {
            return nodes.stream().map(n -> n.in(name)).toList();
        }

        SiteSummary summary() {
            return new SiteSummary(
                    info(),
                    healthy,
                    nodeStates().stream().map(NodeState::capacity).toList());
        }
    }

    static CloudCapacity aCloud(SiteBuilder... sites) {
        CloudCapacity cloud = new CloudCapacity();
        for (SiteBuilder s : sites) {
            cloud.addSite(s.info(), s.nodeStates().stream().map(NodeState::info).toList());
            for (NodeBuilder n : s.nodes) {
                if (!n.ready) cloud.setReady(s.name, n.name, false);
            }
            if (!s.healthy) cloud.setHealthy(s.name, false);
        }
        return cloud;
    }

    // ---- services

    static ServiceBuilder aService(String name) {
        return new ServiceBuilder(name);
    }

    static final class ServiceBuilder {
        List<String> networks = List.of();
        final String name;
        DriverKind driver = DriverKind.PROCESS;
        Resources resources = res("500m", "256Mi");
        int replicas = 1;
        Set<String> jurisdictions = Set.of();
        Set<String> countries = Set.of();
        Set<String> sites = Set.of();
        Set<String> avoidSites = Set.of();
        Set<String> requireTags = Set.of();
        Set<String> preferTags = Set.of();
        List<UserRegion> nearUsers = new ArrayList<>();
        Optional<Spread> spread = Optional.empty();
        AntiAffinity antiAffinity = AntiAffinity.NONE;
        Strategy strategy = Strategy.SPREAD;

        ServiceBuilder(String name) {
            this.name = name;
        }

        ServiceBuilder needing(String cpu, String memory) {
            resources = res(cpu, memory);
            return this;
        }

        ServiceBuilder needing(Resources r) {
            resources = r;
            return this;
        }

        ServiceBuilder driver(DriverKind d) {
            driver = d;
            return this;
        }

        ServiceBuilder replicas(int n) {
            replicas = n;
            return this;
        }

        ServiceBuilder inJurisdictions(String... j) {
            jurisdictions = Set.of(j);
            return this;
        }

        ServiceBuilder inCountries(String... c) {
            countries = Set.of(c);
            return this;
        }

        ServiceBuilder pinnedTo(String... s) {
            sites = Set.of(s);
            return this;
        }

        ServiceBuilder avoiding(String... s) {
            avoidSites = Set.of(s);
            return this;
        }

        ServiceBuilder requiringTags(String... t) {
            requireTags = Set.of(t);
            return this;
        }

        ServiceBuilder preferringTags(String... t) {
            preferTags = Set.of(t);
            return this;
        }

        ServiceBuilder nearUsers(String region, double lat, double lon) {
            nearUsers.add(new UserRegion(region, new GeoPoint(lat, lon), Optional.empty()));
            return this;
        }

        ServiceBuilder nearUsers(String region, double lat, double lon, int maxLatencyMs) {
            nearUsers.add(new UserRegion(region, new GeoPoint(lat, lon), Optional.of(maxLatencyMs)));
            return this;
        }

        ServiceBuilder spreadAcross(Domain domain, int minDomains) {
            spread = Optional.of(new Spread(domain, minDomains));
            return this;
        }

        ServiceBuilder antiAffinity(AntiAffinity a) {
            antiAffinity = a;
            return this;
        }

        ServiceBuilder packed() {
            strategy = Strategy.PACK;
            return this;
        }

        ServiceBuilder onNetworks(String... n) {
            networks = List.of(n);
            return this;
        }

        ServiceSpec build() {
            var spec = new ServiceSpec(
                    name,
                    driver,
                    List.of("python3", "-m", "http.server"),
                    Map.of(),
                    resources,
                    List.of("http"),
                    Optional.empty(),
                    replicas,
                    RestartPolicy.ALWAYS,
                    new PlacementIntent(
                            jurisdictions,
                            countries,
                            sites,
                            avoidSites,
                            requireTags,
                            preferTags,
                            nearUsers,
                            spread,
                            antiAffinity,
                            strategy));
            return new ServiceSpec(
                    spec.name(),
                    spec.driver(),
                    spec.command(),
                    spec.env(),
                    spec.resources(),
                    spec.ports(),
                    spec.health(),
                    spec.replicas(),
                    spec.restart(),
                    spec.placement(),
                    spec.image(),
                    false,
                    List.of(),
                    networks,
                    List.of());
        }
    }

    // ---- requests

    static SiteRequest siteRequest(ServiceBuilder service, SiteBuilder... sites) {
        return siteRequest(service, Map.of(), 1, sites);
    }

    static SiteRequest siteRequest(
            ServiceBuilder service, Map<String, Integer> replicasPerSite, int stillToPlace, SiteBuilder... sites) {
        return new SiteRequest(
                service.build(),
                java.util.Arrays.stream(sites).map(SiteBuilder::summary).toList(),
                replicasPerSite,
                stillToPlace,
                Set.of(),
                LatencyModel.ESTIMATED,
                42);
    }

    static NodeRequest nodeRequest(ServiceBuilder service, SiteBuilder site) {
        return nodeRequest(service, site, Map.of(), 1);
    }

    static NodeRequest nodeRequest(
            ServiceBuilder service, SiteBuilder site, Map<String, Integer> replicasPerNode, int stillToPlace) {
        return new NodeRequest(service.build(), site.info(), site.nodeStates(), replicasPerNode, stillToPlace, 42);
    }

    static Map<String, Integer> counts(Object... nameThenCount) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < nameThenCount.length; i += 2)
            m.put((String) nameThenCount[i], (Integer) nameThenCount[i + 1]);
        return m;
    }

    static Set<String> setOf(String... s) {
        return new HashSet<>(List.of(s));
    }
}
