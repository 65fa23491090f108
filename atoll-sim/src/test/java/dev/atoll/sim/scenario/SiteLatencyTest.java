package dev.atoll.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.atoll.model.GeoPoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SiteLatencyTest {
    static final GeoPoint LONDON = new GeoPoint(51.5074, -0.1278);
    static final GeoPoint NEW_YORK = new GeoPoint(40.7128, -74.0060);
    static final GeoPoint PARIS = new GeoPoint(48.8566, 2.3522);

    final GreatCircleLatency greatCircle = new GreatCircleLatency(
            List.of("london", "new-york", "paris"), List.of(LONDON, NEW_YORK, PARIS), 1.0, 0.2, 5.0);

    @Test
    void londonToNewYorkTakesAboutAsLongAsOnRealTransatlanticLinks() {
        long micros = greatCircle.oneWayMicros("london", "new-york");

        // 5,570 km at 2/3 c is 27.9 ms; measured one-way delays are 35-38 ms.
        assertThat(micros).isBetween(27_000L, 40_000L);
    }

    @Test
    void delaysAreTheSameBothWays() {
        for (String a : greatCircle.sites()) {
            for (String b : greatCircle.sites()) {
                assertThat(greatCircle.oneWayMicros(a, b)).isEqualTo(greatCircle.oneWayMicros(b, a));
            }
        }
    }

    @Test
    void aSiteToItselfIsTheInSiteDelay() {
        assertThat(greatCircle.oneWayMicros("paris", "paris")).isEqualTo(200);
    }

    @Test
    void fartherSitesTakeLongerAndEveryHopCosts() {
        var noHops = new GreatCircleLatency(
                List.of("london", "new-york", "paris"), List.of(LONDON, NEW_YORK, PARIS), 0.0, 0.2, 5.0);

        assertThat(greatCircle.oneWayMicros("london", "paris"))
                .isLessThan(greatCircle.oneWayMicros("london", "new-york"));
        // London-Paris is 344 km: 1.7 ms of light plus 1.34 hops of 1 ms.
        assertThat(noHops.oneWayMicros("london", "paris") / 1000.0).isCloseTo(1.72, within(0.05));
        assertThat(greatCircle.oneWayMicros("london", "paris") - noHops.oneWayMicros("london", "paris"))
                .isCloseTo(1344L, within(5L));
    }

    @Test
    void usersReachASiteAtTheSpeedOfLightInFibrePlusTheirAccess() {
        assertThat(greatCircle.userToSiteMicros(LONDON, "london")).isEqualTo(5000);
        assertThat(greatCircle.userToSiteMicros(PARIS, "london") / 1000.0).isCloseTo(5 + 1.72, within(0.05));
    }

    @Test
    void theIndexedPathGivesWhatTheNamedPathGives() {
        int london = greatCircle.indexOf("london");
        int newYork = greatCircle.indexOf("new-york");

        assertThat(greatCircle.oneWayMicros(london, newYork)).isEqualTo(greatCircle.oneWayMicros("london", "new-york"));
        assertThat(greatCircle.sites()).containsExactly("london", "new-york", "paris");
        assertThatThrownBy(() -> greatCircle.oneWayMicros("london", "tokyo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokyo");
    }

    @Test
    void manySitesAreComputedPerCallWithTheSameResultAsTheTable() {
        int n = GreatCircleLatency.PRECOMPUTED_SITES_MAX + 1;
        var names = new java.util.ArrayList<String>();
        var points = new java.util.ArrayList<GeoPoint>();
        for (int i = 0; i < n; i++) {
            names.add("s" + i);
            points.add(new GeoPoint(-60 + (i % 120), -170 + (i % 340)));
        }
        var big = new GreatCircleLatency(names, points, 1.0, 0.2, 5.0);
        var small = new GreatCircleLatency(names.subList(0, 3), points.subList(0, 3), 1.0, 0.2, 5.0);

        assertThat(big.oneWayMicros("s1", "s2")).isEqualTo(small.oneWayMicros("s1", "s2"));
        assertThat(big.oneWayMicros("s7", "s7")).isEqualTo(200);
    }

    @Test
    void aMatrixGivesItsDelaysBothWays() {
        var matrix = new MatrixLatency(
                List.of("london", "new-york", "paris"),
                List.of(LONDON, NEW_YORK, PARIS),
                Map.of("london", Map.of("paris", 4.0, "new-york", 35.5), "paris", Map.of("new-york", 38.0)),
                0.3,
                5.0);

        assertThat(matrix.oneWayMicros("london", "paris")).isEqualTo(4000);
        assertThat(matrix.oneWayMicros("paris", "london")).isEqualTo(4000);
        assertThat(matrix.oneWayMicros("new-york", "london")).isEqualTo(35_500);
        assertThat(matrix.oneWayMicros("new-york", "paris")).isEqualTo(38_000);
        assertThat(matrix.oneWayMicros("paris", "paris")).isEqualTo(300);
        assertThat(matrix.userToSiteMicros(LONDON, "london")).isEqualTo(5000);
    }

    @Test
    void aMatrixWithoutAPairIsRefused() {
        assertThatThrownBy(
                        () -> new MatrixLatency(List.of("london", "paris"), List.of(LONDON, PARIS), Map.of(), 0.3, 5.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("london and paris");
    }

    @Test
    void equalInputsGiveEqualModels() {
        var again = new GreatCircleLatency(
                List.of("london", "new-york", "paris"), List.of(LONDON, NEW_YORK, PARIS), 1.0, 0.2, 5.0);
        var otherHops = new GreatCircleLatency(
                List.of("london", "new-york", "paris"), List.of(LONDON, NEW_YORK, PARIS), 2.0, 0.2, 5.0);

        assertThat(again).isEqualTo(greatCircle).hasSameHashCodeAs(greatCircle);
        assertThat(otherHops).isNotEqualTo(greatCircle);
    }
}
