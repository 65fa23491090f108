package dev.atoll.sim.scenario;

import static dev.atoll.sim.scenario.ScenarioFixtures.shipped;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.spec.ServiceSpec;
import java.util.Collections;
import java.util.IdentityHashMap;
import org.junit.jupiter.api.Test;

/** edge-1000 plans a million instances; planning prints its time and heap (figures, not assertions). */
class Edge1000PlanTest {

    @Test
    void plansAMillionInstancesOnAThousandSitesOfAHundredNodes() {
        var scenario = shipped("edge-1000");
        long heapBefore = usedHeap();

        long start = System.nanoTime();
        var plan = ScenarioPlanner.plan(scenario, "", 1);
        long millis = (System.nanoTime() - start) / 1_000_000;
        long heapMb = (usedHeap() - heapBefore) >> 20;

        var deploys = ScenarioPlannerTest.deploys(plan);
        long instances = deploys.stream()
                .flatMap(d -> d.spec().services().values().stream())
                .mapToLong(ServiceSpec::replicas)
                .sum();
        System.out.printf(
                "edge-1000: planned %d sites, %d nodes, %d deploys, %d instances, %d actions in %d ms; the plan"
                        + " holds about %d MB of heap%n",
                plan.topology().sites().size(),
                plan.topology().sites().stream()
                        .mapToLong(s -> s.nodes().size())
                        .sum(),
                deploys.size(),
                instances,
                plan.timeline().size(),
                millis,
                heapMb);

        assertThat(plan.topology().sites()).hasSize(1000).allSatisfy(s -> assertThat(s.nodes())
                .hasSize(100));
        // 100 a second reach the cap of 100,000 well within the hour; every entry has 10 replicas.
        assertThat(deploys).hasSize(100_000);
        assertThat(instances).isEqualTo(1_000_000);
        assertThat(deploys.getLast().at()).isLessThan(java.time.Duration.ofMinutes(20));
        var distinct = Collections.newSetFromMap(new IdentityHashMap<ServiceSpec, Boolean>());
        deploys.forEach(d -> distinct.addAll(d.spec().services().values()));
        // app: 2 services for each of 100 populations; eu-data and batch: one each.
        assertThat(distinct.size()).isLessThanOrEqualTo(2 * 100 + 2);
        assertThat(plan.latency().oneWayMicros("tokyo", "tokyo-2")).isPositive();
    }

    @Test
    void everyPopulationHasASiteInItsCitySoHardLatencyBoundsCanBeMet() {
        var plan = ScenarioPlanner.plan(shipped("edge-1000"), "", 1);

        for (var population : plan.users()) {
            String nearest = ScenarioPlannerTest.nearestSite(plan, population);
            // 40 ms round trip: 2 x (5 ms access + distance); a site in the city is well within it.
            assertThat(plan.latency().userToSiteMicros(population.location(), nearest))
                    .as(population.name())
                    .isLessThan(6_000);
        }
    }

    @Test
    void latencyLookupsAreCheapEnoughForMillionsOfMessages() {
        var latency = (IndexedSiteLatency)
                ScenarioPlanner.plan(shipped("edge-1000"), "", 1).latency();
        var sites = latency.sites().toArray(String[]::new);
        int n = sites.length;
        int calls = 10_000_000;

        long sum = 0;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) sum += latency.oneWayMicros(sites[i % n], sites[(int) ((i * 7919L) % n)]);
        long byName = System.nanoTime() - start;
        start = System.nanoTime();
        for (int i = 0; i < calls; i++) sum += latency.oneWayMicros(i % n, (int) ((i * 7919L) % n));
        long byIndex = System.nanoTime() - start;
        System.out.printf(
                "edge-1000 latency: %.1f ns a lookup by name, %.1f ns by index (checksum %d)%n",
                byName / (double) calls, byIndex / (double) calls, sum);

        assertThat(sum).isPositive();
    }

    private static long usedHeap() {
        var runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
