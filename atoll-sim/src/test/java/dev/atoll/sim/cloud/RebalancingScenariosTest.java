package dev.atoll.sim.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.sim.report.SimReport;
import dev.atoll.sim.scenario.ScenarioParser;
import dev.atoll.sim.scenario.ScenarioPlan;
import dev.atoll.sim.scenario.ScenarioPlanner;
import dev.atoll.sim.scenario.ScenarioResult;
import dev.atoll.sim.scenario.ShippedScenarios;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped rebalancing scenarios played through the real site controllers, their rebalancers and
 * the mover: no invariant breaks with rebalancing on or off, and with it on the overloads end sooner
 * because replicas moved. Each run prints its figures beside the run that does nothing.
 */
class RebalancingScenariosTest {
    static ScenarioPlan plan(String name, long seed) {
        var parsed = ScenarioParser.parse(ShippedScenarios.text(name).orElseThrow());
        assertThat(parsed).isInstanceOf(ScenarioResult.Parsed.class);
        return ScenarioPlanner.plan(((ScenarioResult.Parsed) parsed).scenario(), "", seed);
    }

    static final String[] FIGURES = {
        "overloads",
        "overloadsResolved",
        "overloadsUnresolved",
        "overloadedNodeSeconds",
        "overloadResolveMsP50",
        "overloadResolveMsMax",
        "rebalanceMoves",
        "rebalanceMovesStarted",
        "movesCompleted",
        "movesFailed",
        "drainsEmptied",
        "drainEmptyMsMax"
    };

    static Map<String, Long> figures(SimReport r) {
        Map<String, Long> out = new TreeMap<>();
        for (String f : FIGURES) out.put(f, r.counters().getOrDefault(f, 0L));
        return out;
    }

    private static SimReport[] both(String name, long seed) {
        var plan = plan(name, seed);
        var on = Simulation.run(plan, Simulation.Options.defaults()).report();
        var off = Simulation.run(plan.withoutRebalancing(), Simulation.Options.defaults())
                .report();
        System.out.println(name + " seed " + seed + "\n  rebalancing: " + figures(on) + "\n  nothing:     "
                + figures(off) + "\n  violations " + on.violations() + " / " + off.violations());
        return new SimReport[] {on, off};
    }

    @ParameterizedTest
    @ValueSource(strings = {"hot-spot", "drain", "follow-the-sun"})
    void givenAShippedRebalancingScenario_whenPlayedWithAndWithoutRebalancing_thenNoInvariantBreaks(String name) {
        SimReport[] runs = both(name, 1);

        assertThat(runs[0].violations()).as("with rebalancing").isEmpty();
        assertThat(runs[1].violations()).as("doing nothing").isEmpty();
        assertThat(runs[0].counters().get("overloads"))
                .as("the scenario overloads a node")
                .isPositive();
        assertThat(runs[0].counters().get("rebalanceMovesStarted"))
                .as("moves with rebalancing")
                .isPositive();
        assertThat(runs[1].counters().get("rebalanceMoves"))
                .as("moves doing nothing")
                .isZero();
    }

    @Test
    void givenAHotSpot_whenTheSiteRebalances_thenTheOverloadEndsLongBeforeTheHotSpotDoes() {
        SimReport[] runs = both("hot-spot", 2);

        // Doing nothing, the node is over until its hot spot ends (5 minutes); rebalancing moves
        // replicas off once the 30 s window has passed.
        assertThat(runs[1].counters().get("overloadResolveMsMax")).isGreaterThanOrEqualTo(240_000);
        assertThat(runs[0].counters().get("overloadResolveMsMax")).isLessThan(90_000);
        assertThat(runs[0].counters().get("overloadsUnresolved")).isZero();
    }

    @Test
    void givenOneSeed_whenAHotSpotIsPlayedTwice_thenTheEventLogsAreTheSame() {
        var plan = plan("hot-spot", 3);

        var first = Simulation.run(plan, Simulation.Options.defaults());
        var second = Simulation.run(plan, Simulation.Options.defaults());

        assertThat(first.report().counters().get("rebalanceMoves")).isPositive();
        assertThat(second.eventLogSha256()).isEqualTo(first.eventLogSha256());
        assertThat(second.eventLines()).isEqualTo(first.eventLines());
    }
}
