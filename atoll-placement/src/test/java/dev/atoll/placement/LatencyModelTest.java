package dev.atoll.placement;

import static dev.atoll.placement.Fixtures.aSite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LatencyModelTest {
    private static final UserRegion PARIS = new UserRegion("paris", new GeoPoint(48.86, 2.35), Optional.empty());

    @Test
    void estimatesTwiceTheDistanceAtTwoThirdsTheSpeedOfLightPlusAHop() {
        var london = aSite("london").info();
        double km = london.location().distanceKm(PARIS.location());
        assertThat(km).isBetween(330.0, 350.0);
        assertThat(LatencyModel.ESTIMATED.rttMs(london, PARIS)).isCloseTo(2 * km / 200 + 5, within(1e-9));
    }

    @Test
    void theSamePlaceCostsOneHop() {
        var p = new GeoPoint(10, 10);
        assertThat(LatencyModel.estimateRttMs(p, p)).isEqualTo(5.0);
    }

    @Test
    void aMeasuredRttOverridesTheEstimate() {
        var model = new LatencyModel(Map.of("london", Map.of("paris", 42.0)));
        assertThat(model.rttMs(aSite("london").info(), PARIS)).isEqualTo(42.0);
        assertThat(model.rttMs(aSite("frankfurt").info(), PARIS))
                .isEqualTo(LatencyModel.estimateRttMs(aSite("frankfurt").info().location(), PARIS.location()));
    }
}
