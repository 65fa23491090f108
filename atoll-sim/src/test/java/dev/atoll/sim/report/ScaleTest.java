package dev.atoll.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScaleTest {
    @Test
    void linearTicksAreRoundNumbersFromZeroToTheTop() {
        Scale scale = Scale.fromZero(3600, 0, 100);

        assertThat(scale.ticks()).containsExactly(0.0, 1000.0, 2000.0, 3000.0, 4000.0);
        assertThat(scale.at(2000)).isEqualTo(50);
    }

    @Test
    void latenciesAcrossDecadesUseALogScaleBetweenWholeDecades() {
        Scale scale = Scale.forPositive(3, 900, 0, 100);

        assertThat(scale.log()).isTrue();
        assertThat(scale.min()).isEqualTo(1);
        assertThat(scale.max()).isEqualTo(1000);
        assertThat(scale.at(10)).isCloseTo(33.33, org.assertj.core.data.Offset.offset(0.01));
        assertThat(scale.ticks()).containsExactly(1.0, 10.0, 100.0, 1000.0);
    }

    @Test
    void latenciesWithinOneRangeStayLinear() {
        assertThat(Scale.forPositive(5, 40, 0, 100).log()).isFalse();
    }
}
