package dev.atoll.placement.rebalance;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Quantities;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Spread;
import dev.atoll.model.spec.PlacementIntent.Strategy;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.Assignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Small builders so the rebalancing tests read as specifications. */
final class RebalanceFixtures {
    private RebalanceFixtures() {}

    static Resources res(String cpu, String memory) {
        return new Resources(
                Quantities.parseCpuMillis(cpu).orElseThrow(),
                Quantities.parseMemoryBytes(memory).orElseThrow());
    }

    static SiteInfo site(String name, String... tags) {
        return switch (name) {
            case "london" -> new SiteInfo(name, new GeoPoint(51.5074, -0.1278), "GB", "UK", Set.of(tags));
            case "paris" -> new SiteInfo(name, new GeoPoint(48.8566, 2.3522), "FR", "EU", Set.of(tags));
            case "frankfurt" -> new SiteInfo(name, new GeoPoint(50.1109, 8.6821), "DE", "EU", Set.of(tags));
            case "madrid" -> new SiteInfo(name, new GeoPoint(40.4168, -3.7038), "ES", "EU", Set.of(tags));
            case "new-york" -> new SiteInfo(name, new GeoPoint(40.7128, -74.0060), "US", "US", Set.of(tags));
            case "tokyo" -> new SiteInfo(name, new GeoPoint(35.6762, 139.6503), "JP", "JP", Set.of(tags));
            default -> throw new IllegalArgumentException("no fixture site " + name);
        };
    }

    static final GeoPoint PARIS = new GeoPoint(48.8566, 2.3522);
    static final GeoPoint NEW_YORK = new GeoPoint(40.7128, -74.0060);

    /** A cloud under construction: sites, nodes of 4 cpu and 8Gi unless said, and instances. */
    static final class World {
        final List<SiteInfo> sites = new ArrayList<>();
        final List<NodeInfo> nodes = new ArrayList<>();
        final List<PlacedInstance> instances = new ArrayList<>();
        final List<PlacedInstance> pinned = new ArrayList<>();
        final Map<String, Integer> nextIndex = new HashMap<>();

        World site(SiteInfo site, int nodeCount) {
            return site(site, nodeCount, "4", "8Gi");
        }

        World site(SiteInfo site, int nodeCount, String cpu, String memory) {
            sites.add(site);
            for (int i = 1; i <= nodeCount; i++)
                nodes.add(new NodeInfo(site.name(), "n" + i, res(cpu, memory), 16, Set.of("process"), Set.of()));
            return this;
        }

        /** {@code count} replicas of {@code service} on {@code site/node}. */
        World run(ServiceSpec service, String nodeId, int count) {
            instances.addAll(next(service, nodeId, count));
            return this;
        }

        /** The next {@code count} replicas of {@code service}, by index, on {@code site/node}. */
        private List<PlacedInstance> next(ServiceSpec service, String nodeId, int count) {
            List<PlacedInstance> out = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                int index = nextIndex.merge(service.name(), 1, Integer::sum) - 1;
                out.add(new PlacedInstance(
                        new InstanceId("acme", "shop", service.name(), index), service, assignment(nodeId)));
            }
            return out;
        }

        /**
         * {@code count} replicas of {@code service} pinned on {@code site/node}, which need not be
         * in the layout: replicas elsewhere that count for the service's rules and never move.
         */
        World elsewhere(ServiceSpec service, String nodeId, int count) {
            pinned.addAll(next(service, nodeId, count));
            return this;
        }

        CloudLayout layout() {
            return new CloudLayout(sites, nodes, Set.of(), instances, pinned);
        }
    }

    static World world() {
        return new World();
    }

    static Assignment assignment(String nodeId) {
        int slash = nodeId.indexOf('/');
        return new Assignment(nodeId.substring(0, slash), nodeId.substring(slash + 1));
    }

    static ServiceBuilder service(String name) {
        return new ServiceBuilder(name);
    }

    static final class ServiceBuilder {
        final String name;
        Resources resources = res("1", "1Gi");
        Set<String> jurisdictions = Set.of();
        List<UserRegion> users = new ArrayList<>();
        Optional<Spread> spread = Optional.empty();
        AntiAffinity antiAffinity = AntiAffinity.NONE;
        Strategy strategy = Strategy.SPREAD;
        int replicas = 1;

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

        ServiceBuilder inJurisdictions(String... j) {
            jurisdictions = Set.of(j);
            return this;
        }

        ServiceBuilder nearUsers(String region, GeoPoint where) {
            users.add(new UserRegion(region, where, Optional.empty()));
            return this;
        }

        ServiceBuilder nearUsers(String region, GeoPoint where, int maxLatencyMs) {
            users.add(new UserRegion(region, where, Optional.of(maxLatencyMs)));
            return this;
        }

        ServiceBuilder spreadAcross(PlacementIntent.Domain domain, int min) {
            spread = Optional.of(new Spread(domain, min));
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

        ServiceBuilder replicas(int n) {
            replicas = n;
            return this;
        }

        ServiceSpec build() {
            return new ServiceSpec(
                    name,
                    DriverKind.PROCESS,
                    List.of("sleep", "infinity"),
                    Map.of(),
                    resources,
                    List.of(),
                    Optional.empty(),
                    replicas,
                    RestartPolicy.ALWAYS,
                    new PlacementIntent(
                            jurisdictions,
                            Set.of(),
                            Set.of(),
                            Set.of(),
                            Set.of(),
                            Set.of(),
                            users,
                            spread,
                            antiAffinity,
                            strategy));
        }
    }

    /** Loads where every node listed uses {@code used} and the others what is allocated. */
    static Loads loads(CloudLayout layout, Map<String, Resources> used) {
        return Loads.estimate(layout, used);
    }
}
