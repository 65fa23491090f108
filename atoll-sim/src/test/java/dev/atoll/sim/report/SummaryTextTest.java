package dev.atoll.sim.report;

import static dev.atoll.sim.report.Reports.aReport;
import static dev.atoll.sim.report.Reports.anEmptyReport;
import static dev.atoll.sim.report.Reports.variant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTextTest {
    @Test
    void namesTheScenarioSeedAndSpeedAgainstRealTime() {
        String text = SummaryText.of(aReport());

        assertThat(text).startsWith("scenario interoute-16, seed 42\n");
        // 3600 simulated seconds in 12 wall seconds.
        assertThat(text)
                .contains(
                        "simulated 3600.0 s in 12.0 s wall (speed 300x real time), 1,234,567 events, peak heap 512 MiB");
    }

    @Test
    void listsCountersInTheirOrderAndTheLatencies() {
        String text = SummaryText.of(aReport());

        assertThat(text).contains("counters: deploys 100, placements 310, nodeCrashes 1, siteCrashes 1\n");
        assertThat(text).contains("over 310 placements");
        assertThat(text).contains("user latency: p50 12.1 ms, p95 48.3 ms, p99 120 ms, availability 99.448%\n");
    }

    @Test
    void givesEachRecoveryOneLine() {
        String text = SummaryText.of(aReport());

        assertThat(text)
                .contains("recoveries (2):\n"
                        + "  node crash london/n3 at 600.0 s: 4 replicas hit, detected after 5.0 s, recovered after 12.0 s\n"
                        + "  site crash sydney at 1200.0 s: 10 replicas hit, detected after 10.0 s, not recovered\n");
    }

    @Test
    void showsEachViolationWithItsTrace() {
        String text = SummaryText.of(aReport());

        assertThat(text)
                .endsWith("violations (1):\n"
                        + "  no-overcommit at 1300.0 s: node london/n1 over by 2 cpus\n"
                        + "    1299.9 offer accepted on london/n1\n"
                        + "    1300.0 replica started <web-1>\n");
    }

    @Test
    void saysWhenAllInvariantsHeld() {
        assertThat(SummaryText.of(variant("calm", List.of(), 10))).endsWith("all invariants held\n");
    }

    @Test
    void anEmptyRunSaysWhatItLacks() {
        String text = SummaryText.of(anEmptyReport());

        assertThat(text).contains("(speed - real time)");
        assertThat(text).contains("counters: none", "placement latency: no placement finished", "no samples");
        assertThat(text).contains("recoveries: no faults");
    }

    @Test
    void aComparisonGivesEachFigurePerVariantAndItsRatioToTheFirst() {
        SimReport edge = variant("big-dc-vs-edge/edge", List.of(), 10);
        SimReport bigDc = variant("big-dc-vs-edge/big-dc", List.of(), 40);

        String text = SummaryText.comparison(List.of(edge, bigDc));

        assertThat(text).startsWith("scenario big-dc-vs-edge: edge vs big-dc\n");
        assertThat(text).containsPattern("\n +edge +big-dc +edge/big-dc\n");
        assertThat(text).containsPattern("\nuser latency p50 +10\\.0 ms +40\\.0 ms +0\\.25\n");
        assertThat(text).containsPattern("\nuser latency p95 +48\\.3 ms +48\\.3 ms +1\\.00\n");
        assertThat(text).containsPattern("\ndeploys +100 +100 +1\\.00\n");
        assertThat(text).contains("edge: all invariants held\n");
    }

    @Test
    void aRatioOverZeroHasNoValue() {
        SimReport fast = variant("x/fast", List.of(), 10);
        SimReport none = variant("x/none", List.of(), 0);

        String text = SummaryText.comparison(List.of(fast, none));

        assertThat(text).containsPattern("\nuser latency p50 +10\\.0 ms +0\\.00 ms +-\n");
    }
}
