package dev.atoll.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.Quantities;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplanationTest {

    @Test
    void readsAsCountsPerReasonInTheOrderFirstSeen() {
        var tally = Explanation.tally("nodes");
        tally.considered(9);
        for (int i = 0; i < 6; i++) tally.reject("outside jurisdiction EU");
        long gi = 1L << 30;
        tally.shortOf(Explanation.Shortage.MEMORY, 2 * gi, gi / 2);
        tally.shortOf(Explanation.Shortage.MEMORY, 2 * gi, gi);
        tally.shortOf(Explanation.Shortage.MEMORY, 2 * gi, 0);
        assertThat(tally.build().toString())
                .isEqualTo("0 of 9 nodes fit: 6 outside jurisdiction EU, 3 short of memory (need 2Gi, most free 1Gi)");
    }

    @Test
    void cpuShortagesUseCpuQuantities() {
        var tally = Explanation.tally("sites");
        tally.considered(3);
        tally.shortOf(Explanation.Shortage.CPU, 2000, 1500, 3);
        assertThat(tally.build().toString()).isEqualTo("0 of 3 sites fit: 3 short of cpu (need 2, most free 1500m)");
        assertThat(Quantities.formatCpu(1500)).isEqualTo("1500m");
    }

    @Test
    void primaryReasonIsTheMostFrequentThenTheFirstSeen() {
        var e = new Explanation(
                "nodes",
                5,
                0,
                List.of(new Explanation.Reason("not ready", 2), new Explanation.Reason("out of instance slots", 3)));
        assertThat(e.primary()).contains(new Explanation.Reason("out of instance slots", 3));
        var tie =
                new Explanation("nodes", 2, 0, List.of(new Explanation.Reason("a", 1), new Explanation.Reason("b", 1)));
        assertThat(tie.primary().orElseThrow().text()).isEqualTo("a");
    }

    @Test
    void nothingRejectedReadsWithoutAColon() {
        assertThat(new Explanation("sites", 0, 0, List.of()).toString()).isEqualTo("0 of 0 sites fit");
    }
}
