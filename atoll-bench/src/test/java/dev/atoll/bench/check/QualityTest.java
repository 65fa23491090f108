package dev.atoll.bench.check;

import static dev.atoll.bench.Fixtures.FRANKFURT_N1;
import static dev.atoll.bench.Fixtures.LONDON_N1;
import static dev.atoll.bench.Fixtures.LONDON_N2;
import static dev.atoll.bench.Fixtures.PARIS_N1;
import static dev.atoll.bench.Fixtures.PARIS_N2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.atoll.bench.Fixtures;
import dev.atoll.bench.instance.EstimatedRtt;
import org.junit.jupiter.api.Test;

class QualityTest {
    @Test
    void measuresNodesSpreadAndUserLatencyOfAPlacement() {
        int[] placement = {PARIS_N1, FRANKFURT_N1, LONDON_N1, LONDON_N2, PARIS_N2, -1};

        Quality q = Quality.of(Fixtures.threeSites(), placement);

        assertThat(q.placed()).isEqualTo(5);
        assertThat(q.unplaced()).isEqualTo(1);
        assertThat(q.nodesUsed()).isEqualTo(5);
        // Only eu-web asks for a spread: 2 sites of 2.
        assertThat(q.spread()).isEqualTo(1.0);
        // eu-web and batch serve 3 million Parisians from Paris, near-london 1 million Londoners
        // from London: each region's nearest replica is in its own city.
        double parisRtt = EstimatedRtt.ms(Fixtures.PARIS, Fixtures.PARIS);
        double londonRtt = EstimatedRtt.ms(Fixtures.LONDON, Fixtures.LONDON);
        assertThat(q.meanUserLatencyMs()).isCloseTo((3 * parisRtt + 1 * londonRtt + 3 * parisRtt) / 7, within(1e-9));
    }

    @Test
    void weighsEachRegionByItsPeopleAndTakesTheNearestReplica() {
        // batch far from its Parisians: one replica in London, one in Frankfurt.
        int[] placement = {PARIS_N1, FRANKFURT_N1, LONDON_N1, LONDON_N2, LONDON_N1, FRANKFURT_N1};

        Quality q = Quality.of(Fixtures.threeSites(), placement);

        double batch = Math.min(
                EstimatedRtt.ms(Fixtures.PARIS, Fixtures.LONDON), EstimatedRtt.ms(Fixtures.PARIS, Fixtures.FRANKFURT));
        double expected = (3 * EstimatedRtt.ms(Fixtures.PARIS, Fixtures.PARIS)
                        + EstimatedRtt.ms(Fixtures.LONDON, Fixtures.LONDON)
                        + 3 * batch)
                / 7;
        assertThat(q.meanUserLatencyMs()).isCloseTo(expected, within(1e-9));
    }

    @Test
    void saysNothingOfLatencyWhenNothingIsPlaced() {
        Quality q = Quality.of(Fixtures.threeSites(), new int[] {-1, -1, -1, -1, -1, -1});

        assertThat(q.placed()).isZero();
        assertThat(q.unplaced()).isEqualTo(6);
        assertThat(q.nodesUsed()).isZero();
        assertThat(q.spread()).isZero();
        assertThat(q.meanUserLatencyMs()).isNaN();
    }
}
