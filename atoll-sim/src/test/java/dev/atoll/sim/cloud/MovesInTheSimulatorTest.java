package dev.atoll.sim.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.sim.scenario.ScenarioPlan;
import dev.atoll.sim.scenario.TimedAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Moves and drains played through the real control code in the simulator: they end, the pair of
 * copies a move runs before its switch is not taken for a duplicate, and no invariant breaks, also
 * with a node crash and a controller restart in the middle.
 */
class MovesInTheSimulatorTest {
    private static Duration s(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static ScenarioPlan movesAndADrain(long seed, boolean withFaults) {
        List<TimedAction> timeline = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            timeline.add(new TimedAction.Deploy(
                    s(1 + i * 0.5), TinyPlans.spec("acme", "shop-" + i, 3, ""), i % 2 == 0 ? "london" : "frankfurt"));
        }
        List<String> sites = List.of("london", "frankfurt", "new-york");
        for (int i = 0; i < 4; i++) {
            for (int r = 0; r < 3; r++) {
                timeline.add(new TimedAction.MoveInstance(
                        s(10 + i + r * 0.3),
                        new InstanceId("acme", "shop-" + i, "web", r),
                        sites.get((i + r) % 3),
                        null));
            }
        }
        timeline.add(new TimedAction.DrainNode(s(20), "new-york", "n1", true));
        if (withFaults) {
            timeline.add(new TimedAction.CrashNode(s(11), "frankfurt", "n2"));
            timeline.add(new TimedAction.RestartController(s(12), "london"));
            timeline.add(new TimedAction.RestoreNode(s(25), "frankfurt", "n2"));
        }
        timeline.add(new TimedAction.DrainNode(s(45), "new-york", "n1", false));
        return TinyPlans.plan(seed, 3, 3, s(60), s(60), timeline);
    }

    @Test
    void givenMovesAndADrain_whenPlayed_thenTheyEndAndNoInvariantBreaks() {
        var outcome = Simulation.run(movesAndADrain(5, false), Simulation.Options.defaults());
        var report = outcome.report();
        System.out.println(report.counters() + " violations " + report.violations());

        assertThat(report.violations()).isEmpty();
        assertThat(report.counters().get("moves")).isEqualTo(12);
        assertThat(report.counters().get("movesCompleted")).isGreaterThanOrEqualTo(8);
        assertThat(report.counters().get("drains")).isEqualTo(1);
    }

    @Test
    void givenMovesWithACrashAndARestart_whenPlayed_thenNoInvariantBreaks() {
        for (long seed : new long[] {1, 2, 3}) {
            var report = Simulation.run(movesAndADrain(seed, true), Simulation.Options.defaults())
                    .report();
            System.out.println("seed " + seed + " " + report.counters() + " violations " + report.violations());
            assertThat(report.violations()).as("seed %d", seed).isEmpty();
            assertThat(report.counters().get("movesCompleted")
                            + report.counters().getOrDefault("movesFailed", 0L)
                            + report.counters().getOrDefault("movesRefused", 0L))
                    .as("seed %d: every move ended one way or another", seed)
                    .isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void givenOneSeedWithMoves_whenPlayedTwice_thenTheEventLogsAreIdentical() {
        var a = Simulation.run(movesAndADrain(9, true), Simulation.Options.defaults());
        var b = Simulation.run(movesAndADrain(9, true), Simulation.Options.defaults());

        assertThat(b.eventLogSha256()).isEqualTo(a.eventLogSha256());
    }
}
