package dev.atoll.bench.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.bench.instance.InstanceShape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RebalanceComparisonTest {
    static final InstanceShape SMALL = new InstanceShape(200, 16, 4, 3);

    static RunResult find(List<RunResult> results, Scenario scenario, Strategy strategy) {
        return results.stream()
                .filter(r -> r.scenario() == scenario && r.strategy() == strategy)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void everyStrategyPlaysEveryScenarioWithoutBreakingAHardConstraint() {
        var bytes = new ByteArrayOutputStream();

        List<RunResult> results = new RebalanceComparison(
                        new RebalanceOptions(SMALL, 5_000), new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .run();

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(results).hasSize(Scenario.values().length * Strategy.values().length);
        assertThat(results)
                .allSatisfy(
                        r -> assertThat(r.violations()).as(r.firstViolation()).isZero());
        assertThat(out)
                .contains("== hot spot", "== drain", "== user movement", "neighbours (DVMS)", "central Timefold");

        // Doing nothing leaves the hot spot hot and the drained nodes full.
        for (Scenario s : List.of(Scenario.HOT_SPOT, Scenario.DRAIN)) {
            RunResult nothing = find(results, s, Strategy.NONE);
            assertThat(nothing.resolvedAfterSeconds()).isEmpty();
            assertThat(nothing.stillBad()).isPositive();
            assertThat(nothing.moves()).isZero();
        }
        // The neighbours resolve both: the cloud runs at 60% of its cpu, so there is room.
        for (Scenario s : List.of(Scenario.HOT_SPOT, Scenario.DRAIN)) {
            RunResult dvms = find(results, s, Strategy.NEIGHBOURS);
            assertThat(dvms.resolvedAfterSeconds()).as(s.label).isPresent();
            assertThat(dvms.stillBad()).isZero();
            assertThat(dvms.moves()).isPositive();
        }
        // Users moving raise no event, so only the optimizer follows them, and it brings replicas nearer.
        assertThat(find(results, Scenario.USER_MOVEMENT, Strategy.NEIGHBOURS).moves())
                .isZero();
        RunResult central = find(results, Scenario.USER_MOVEMENT, Strategy.CENTRAL);
        assertThat(central.replicaLatencyAfterMs()).isLessThanOrEqualTo(central.replicaLatencyBeforeMs());
    }

    @Test
    void aRunIsTheSameForTheSameSeedButForTheTimeSpentDeciding() {
        var world = RebalanceWorld.generate(SMALL);
        var settings = RebalanceRun.Settings.defaults(SMALL.seed(), 5_000);

        for (Strategy strategy : List.of(Strategy.NEIGHBOURS, Strategy.CENTRAL)) {
            RunResult first = RebalanceRun.run(world, Scenario.DRAIN, strategy, settings);
            RunResult second = RebalanceRun.run(world, Scenario.DRAIN, strategy, settings);
            assertThat(second)
                    .usingRecursiveComparison()
                    .ignoringFields("decideMillis")
                    .isEqualTo(first);
        }
    }

    @Test
    void aBadFlagIsRefusedWithItsNameAndReason() {
        assertThat(RebalanceOptions.parse("--nodes", "0"))
                .isEqualTo(new RebalanceOptions.Parsed.Invalid("--nodes: must be between 1 and 10000, got 0"));
        assertThat(RebalanceOptions.parse("--seed", "x"))
                .isEqualTo(new RebalanceOptions.Parsed.Invalid("--seed: not a whole number: x"));
        assertThat(RebalanceOptions.parse("--speed", "1"))
                .isEqualTo(new RebalanceOptions.Parsed.Invalid("unknown option --speed (see --help)"));
        assertThat(RebalanceOptions.parse("--quick")).isInstanceOf(RebalanceOptions.Parsed.Ok.class);
    }
}
