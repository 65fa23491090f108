package dev.atoll.bench.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.LatencyModel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InstanceGeneratorTest {
    private final InstanceShape shape = new InstanceShape(2_000, 200, 20, 7);

    @Test
    void theSameSeedGivesTheSameInstance() {
        assertThat(InstanceGenerator.generate(shape)).isEqualTo(InstanceGenerator.generate(shape));
        assertThat(InstanceGenerator.generate(new InstanceShape(2_000, 200, 20, 8)))
                .isNotEqualTo(InstanceGenerator.generate(shape));
    }

    @Test
    void hasTheAskedNumbersOfInstancesNodesAndSites() {
        PlacementInstance instance = InstanceGenerator.generate(shape);

        assertThat(instance.instanceCount()).isEqualTo(2_000);
        assertThat(instance.nodes()).hasSize(200);
        assertThat(instance.sites()).hasSize(20);
        for (SiteInfo site : instance.sites())
            assertThat(instance.nodesOf(site.name())).hasSize(10);
        assertThat(instance.workloads())
                .allSatisfy(w -> assertThat(w.service().replicas()).isBetween(10, 109));
    }

    @Test
    void spansSeveralJurisdictionsAndUsesEveryKindOfConstraint() {
        PlacementInstance instance = InstanceGenerator.generate(shape);

        assertThat(instance.sites().stream()
                        .map(SiteInfo::jurisdiction)
                        .distinct()
                        .count())
                .isGreaterThanOrEqualTo(8);
        List<PlacementIntent> intents =
                instance.workloads().stream().map(w -> w.service().placement()).toList();
        assertThat(intents).anyMatch(i -> !i.jurisdictions().isEmpty());
        assertThat(intents).anyMatch(i -> i.nearUsers().stream()
                .anyMatch(r -> r.maxLatencyMs().isPresent()));
        assertThat(intents).anyMatch(i -> i.spread().isPresent());
        assertThat(instance.workloads()).allSatisfy(w -> assertThat(w.users()).isNotEmpty());
    }

    @Test
    void everyServiceHasAsManyAllowedSitesAsItsSpreadAsks() {
        PlacementInstance instance = InstanceGenerator.generate(shape);

        for (Workload w : instance.workloads()) {
            var service = w.service();
            PlacementIntent intent = service.placement();
            Set<String> allowed = new HashSet<>();
            for (NodeInfo node : instance.nodes()) {
                SiteInfo site = instance.sites().stream()
                        .filter(s -> s.name().equals(node.site()))
                        .findFirst()
                        .orElseThrow();
                boolean inJurisdiction = intent.jurisdictions().isEmpty()
                        || intent.jurisdictions().contains(site.jurisdiction());
                boolean nearEnough = intent.nearUsers().stream()
                        .allMatch(r -> r.maxLatencyMs().isEmpty()
                                || EstimatedRtt.ms(r.location(), site.location())
                                        <= r.maxLatencyMs().get());
                if (inJurisdiction
                        && nearEnough
                        && node.drivers().contains(service.driver().wireName())) {
                    allowed.add(site.name());
                }
            }
            int asked = intent.spread().map(PlacementIntent.Spread::minDomains).orElse(1);
            assertThat(allowed).as(service.name()).hasSizeGreaterThanOrEqualTo(asked);
        }
    }

    @Test
    void sizesNodesSoTheInstancesAskForTheCpuLoadOfTheShape() {
        PlacementInstance instance = InstanceGenerator.generate(new InstanceShape(2_000, 200, 20, 7, 0.7));

        long demand = instance.workloads().stream()
                .mapToLong(
                        w -> w.service().resources().cpuMillis() * w.service().replicas())
                .sum();
        long capacity = instance.nodes().stream()
                .mapToLong(n -> n.capacity().cpuMillis())
                .sum();
        assertThat((double) demand / capacity).isCloseTo(0.7, within(0.1));
    }

    @Test
    void estimatesRoundTripsAsAtollsLatencyModelDoes() {
        GeoPoint london = new GeoPoint(51.5074, -0.1278);
        GeoPoint sydney = new GeoPoint(-33.8688, 151.2093);

        assertThat(EstimatedRtt.ms(london, sydney)).isEqualTo(LatencyModel.estimateRttMs(london, sydney));
        assertThat(EstimatedRtt.ms(london, london)).isEqualTo(LatencyModel.estimateRttMs(london, london));
    }

    @Test
    void refusesAShapeThatCannotBeBuiltNamingTheField() {
        assertThatThrownBy(() -> new InstanceShape(0, 10, 2, 1)).hasMessageContaining("instances");
        assertThatThrownBy(() -> new InstanceShape(10, 1, 2, 1)).hasMessageContaining("nodes");
        assertThatThrownBy(() -> new InstanceShape(10, 10, 0, 1)).hasMessageContaining("sites");
        assertThatThrownBy(() -> new InstanceShape(10, 10, 2, 1, 1.5)).hasMessageContaining("cpu load");
    }
}
