package dev.atoll.placement.rebalance;

import static dev.atoll.placement.rebalance.RebalanceFixtures.res;
import static dev.atoll.placement.rebalance.RebalanceFixtures.service;
import static dev.atoll.placement.rebalance.RebalanceFixtures.site;
import static dev.atoll.placement.rebalance.RebalanceFixtures.world;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OverloadsTest {
    static final OverloadPolicy POLICY = new OverloadPolicy(0.8, 0.9, 30_000);
    static final CloudLayout LAYOUT = world().site(site("london"), 2)
            .run(service("web").build(), "london/n1", 2)
            .layout();

    static LoadSample at(long seconds, String cpu, String memory) {
        return new LoadSample("london/n1", seconds * 1000, res(cpu, memory));
    }

    @Test
    void aNodeOverItsCpuThresholdForTheWholeWindowIsOverloaded() {
        var samples =
                List.of(at(0, "3500m", "1Gi"), at(10, "3600m", "1Gi"), at(20, "3700m", "1Gi"), at(30, "3800m", "1Gi"));

        var found = Overloads.detect(LAYOUT, samples, POLICY, 30_000);

        assertThat(found).hasSize(1);
        assertThat(found.get(0).nodeId()).isEqualTo("london/n1");
        assertThat(found.get(0).reasons()).containsExactly("cpu 95% above 80% for 30s");
        assertThat(found.get(0).excess()).isEqualTo(res("600m", "0"));
    }

    @Test
    void aDipBelowTheThresholdInsideTheWindowStartsTheWindowAgain() {
        var samples =
                List.of(at(0, "3500m", "1Gi"), at(10, "3000m", "1Gi"), at(20, "3700m", "1Gi"), at(30, "3800m", "1Gi"));

        assertThat(Overloads.detect(LAYOUT, samples, POLICY, 30_000)).isEmpty();
        assertThat(Overloads.detect(LAYOUT, samples, POLICY, 50_000)).hasSize(1);
    }

    @Test
    void pressureSeenForLessThanTheWindowIsNotActedOn() {
        var samples = List.of(at(20, "3900m", "1Gi"), at(30, "3900m", "1Gi"));

        assertThat(Overloads.detect(LAYOUT, samples, POLICY, 30_000)).isEmpty();
    }

    @Test
    void memoryPressureCountsOnItsOwn() {
        var samples = List.of(at(0, "1", "7800Mi"), at(30, "1", "7800Mi"));

        var found = Overloads.detect(LAYOUT, samples, POLICY, 30_000);

        assertThat(found).hasSize(1);
        assertThat(found.get(0).reasons()).containsExactly("memory 95% above 90% for 30s");
    }

    @Test
    void samplesFromTheFutureOfTheDecisionAreIgnored() {
        var samples = List.of(at(0, "3900m", "1Gi"), at(30, "3900m", "1Gi"), at(40, "100m", "1Gi"));

        assertThat(Overloads.detect(LAYOUT, samples, POLICY, 30_000)).hasSize(1);
    }
}
