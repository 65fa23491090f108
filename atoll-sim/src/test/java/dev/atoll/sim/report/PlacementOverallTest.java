package dev.atoll.sim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.atoll.sim.report.SimReport.PlacementBucket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementOverallTest {
    @Test
    void oneBucketGivesItsOwnQuantiles() {
        PlacementOverall overall = PlacementOverall.of(List.of(new PlacementBucket(0, 50, 12, 40, 90)));

        assertThat(overall.count()).isEqualTo(50);
        assertThat(overall.p50Ms()).isCloseTo(12, within(1e-9));
        assertThat(overall.p95Ms()).isCloseTo(40, within(1e-9));
        assertThat(overall.maxMs()).isEqualTo(90);
    }

    @Test
    void bucketsCountByTheirPlacements() {
        PlacementOverall overall = PlacementOverall.of(
                List.of(new PlacementBucket(0, 1, 1000, 2000, 3000), new PlacementBucket(60, 999, 10, 20, 30)));

        assertThat(overall.count()).isEqualTo(1000);
        assertThat(overall.p50Ms()).isCloseTo(10, within(0.1));
        assertThat(overall.maxMs()).isEqualTo(3000);
    }

    @Test
    void emptyBucketsAndNoBucketsHaveNoLatency() {
        PlacementOverall overall = PlacementOverall.of(List.of(new PlacementBucket(0, 0, Double.NaN, Double.NaN, 0)));

        assertThat(overall.count()).isZero();
        assertThat(overall.p50Ms()).isNaN();
        assertThat(PlacementOverall.of(List.of()).p95Ms()).isNaN();
    }
}
