package dev.atoll.placement;

import static dev.atoll.placement.Fixtures.aSite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.PlacementIntent.UserRegion;
import java.time.Duration;
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

    @Test
    void givenUsersNearTheMeasuringSiteThenTheMeasuredRttPlusTheFewKilometresBetweenIsUsed() {
        var paris = aSite("paris").info();
        var model = LatencyModel.ESTIMATED.withMeasured(paris, Map.of("london", Duration.ofMillis(30)));
        double km = paris.location().distanceKm(PARIS.location());

        assertThat(model.rttMs(aSite("london").info(), PARIS)).isCloseTo(30 + 2 * km / 200, within(1e-9));
        assertThat(model.isMeasured(aSite("london").info(), PARIS)).isTrue();
    }

    @Test
    void givenUsersFarFromEveryMeasuringSiteThenTheEstimateStands() {
        var model =
                LatencyModel.ESTIMATED.withMeasured(aSite("new-york").info(), Map.of("london", Duration.ofMillis(70)));

        assertThat(model.rttMs(aSite("london").info(), PARIS))
                .isEqualTo(LatencyModel.estimateRttMs(aSite("london").info().location(), PARIS.location()));
        assertThat(model.isMeasured(aSite("london").info(), PARIS)).isFalse();
    }

    @Test
    void givenASiteNotMeasuredThenItKeepsTheEstimateWhileMeasuredOnesUseTheirFigure() {
        var model = LatencyModel.ESTIMATED.withMeasured(aSite("paris").info(), Map.of("london", Duration.ofMillis(30)));

        assertThat(model.isMeasured(aSite("frankfurt").info(), PARIS)).isFalse();
        assertThat(model.rttMs(aSite("frankfurt").info(), PARIS))
                .isEqualTo(LatencyModel.estimateRttMs(aSite("frankfurt").info().location(), PARIS.location()));
    }

    @Test
    void measuringAgainFromTheSameSiteReplacesTheEarlierFigures() {
        var paris = aSite("paris").info();
        var model = LatencyModel.ESTIMATED
                .withMeasured(paris, Map.of("london", Duration.ofMillis(30)))
                .withMeasured(paris, Map.of("london", Duration.ofMillis(10)));

        assertThat(model.measuredBetweenSites()).hasSize(1);
        assertThat(model.rttMs(aSite("london").info(), PARIS)).isLessThan(11.0);
    }
}
