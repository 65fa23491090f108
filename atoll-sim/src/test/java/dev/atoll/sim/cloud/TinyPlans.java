package dev.atoll.sim.cloud;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.topology.Topologies;
import dev.atoll.model.topology.Topology;
import dev.atoll.sim.scenario.ScenarioPlan;
import dev.atoll.sim.scenario.SiteLatency;
import dev.atoll.sim.scenario.TimedAction;
import dev.atoll.sim.scenario.UserPopulation;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small plans written by hand, so the engine is tested apart from the scenario files. */
final class TinyPlans {
    private TinyPlans() {}

    static EnvironmentSpec spec(String tenant, String name, int replicas, String placement) {
        String yaml = """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: %s, tenant: %s}
                spec:
                  services:
                    web:
                      command: ["sleep", "1000"]
                      replicas: %d
                      resources: {cpu: 250m, memory: 64Mi}
                %s
                """.formatted(name, tenant, replicas, placement.isEmpty() ? "" : "      placement: " + placement);
        SpecResult result = SpecParser.parse(yaml);
        if (result instanceof SpecResult.Valid valid) return valid.spec();
        throw new IllegalArgumentException(result.toString());
    }

    /** Sites a few milliseconds apart by great circle at 2/3 of c. */
    static SiteLatency greatCircle(Topology topology) {
        Map<String, GeoPoint> at = new HashMap<>();
        topology.sites().forEach(s -> at.put(s.site().name(), s.site().location()));
        return new SiteLatency() {
            @Override
            public long oneWayMicros(String from, String to) {
                if (from.equals(to)) return 250;
                return 1000 + Math.round(at.get(from).distanceKm(at.get(to)) / 200.0 * 1000);
            }

            @Override
            public long userToSiteMicros(GeoPoint user, String site) {
                return 2000 + Math.round(user.distanceKm(at.get(site)) / 200.0 * 1000);
            }
        };
    }

    static ScenarioPlan plan(
            long seed, int sites, int nodesPerSite, Duration duration, Duration settle, List<TimedAction> timeline) {
        Topology topology = Topologies.generated(sites, nodesPerSite);
        return new ScenarioPlan(
                "tiny",
                seed,
                duration,
                settle,
                topology,
                greatCircle(topology),
                0.0,
                List.of(new UserPopulation("londoners", new GeoPoint(51.5, -0.12), 1000)),
                timeline);
    }
}
