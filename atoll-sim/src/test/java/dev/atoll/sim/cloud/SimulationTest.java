package dev.atoll.sim.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.sim.report.SimReport;
import dev.atoll.sim.scenario.ScenarioPlan;
import dev.atoll.sim.scenario.TimedAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
    private static Duration s(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static ScenarioPlan threeSitesWithACrash(long seed) {
        List<TimedAction> timeline = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            timeline.add(new TimedAction.Deploy(
                    s(1 + i * 0.5),
                    TinyPlans.spec("acme", "shop-" + i, 3, "{spread: {across: site, minDomains: 2}}"),
                    i % 2 == 0 ? "london" : "frankfurt"));
        }
        timeline.add(new TimedAction.CrashNode(s(10), "london", "n1"));
        timeline.add(new TimedAction.CrashSite(s(20), "frankfurt"));
        timeline.add(new TimedAction.RestoreSite(s(40), "frankfurt"));
        timeline.add(new TimedAction.Delete(s(50), "acme", "shop-0"));
        return TinyPlans.plan(seed, 3, 3, s(60), s(30), timeline);
    }

    @Test
    void givenThreeSitesAndCrashes_whenPlayed_thenEveryReplicaRunsAgainAndNoInvariantBreaks() {
        var outcome = Simulation.run(
                threeSitesWithACrash(7), Simulation.Options.defaults().withEventLines(System.out::println));
        SimReport report = outcome.report();
        System.out.println(report.counters() + " events " + report.eventsProcessed() + " wall " + report.wallSeconds()
                + " recoveries " + report.recoveries() + " violations " + report.violations());
        assertThat(report.violations()).isEmpty();
        assertThat(report.counters().get("deploysAcknowledged")).isEqualTo(6);
        assertThat(report.recoveries())
                .allSatisfy(r -> assertThat(r.recoveredAfterSeconds()).isGreaterThanOrEqualTo(0));
    }

    @Test
    void givenOneSeed_whenPlayedTwice_thenTheEventLogsAreIdentical() {
        var first = played(threeSitesWithACrash(11), Simulation.Options.defaults());
        var second = played(threeSitesWithACrash(11), Simulation.Options.defaults());

        assertThat(first.lines()).hasSizeGreaterThan(50);
        assertThat(second.lines()).isEqualTo(first.lines());
        assertThat(second.sha256()).isEqualTo(first.sha256());
    }

    @Test
    void givenOneSeed_whenPlayedOnOneThreadAndOnThree_thenTheEventLogsAreIdentical() {
        var one = played(threeSitesWithACrash(13), Simulation.Options.defaults());
        var three =
                played(threeSitesWithACrash(13), Simulation.Options.defaults().withThreads(3));

        assertThat(one.lines()).hasSizeGreaterThan(50);
        assertThat(three.lines()).isEqualTo(one.lines());
        assertThat(three.sha256()).isEqualTo(one.sha256());
    }

    private record Played(List<String> lines, String sha256) {}

    private static Played played(ScenarioPlan plan, Simulation.Options options) {
        List<String> lines = new ArrayList<>();
        var outcome = Simulation.run(plan, options.withEventLines(lines::add));
        return new Played(lines, outcome.eventLogSha256());
    }

    @Test
    void givenChaosWithLostMessages_whenPlayedOnOneThreadAndOnTwo_thenTheEventLogsAreIdentical() {
        // Random crashes, partitions, slow links and restarts, and messages lost: every path between sites.
        var scenario = ((dev.atoll.sim.scenario.ScenarioResult.Parsed) dev.atoll.sim.scenario.ScenarioParser.parse(
                        dev.atoll.sim.scenario.ShippedScenarios.text("chaos").orElseThrow()))
                .scenario()
                .playedFor(Duration.ofSeconds(40));
        var plan = dev.atoll.sim.scenario.ScenarioPlanner.plan(scenario, dev.atoll.sim.scenario.Scenario.NO_VARIANT, 5);
        var options = Simulation.Options.defaults().withInvariantPeriod(Duration.ofMillis(250));

        var one = Simulation.run(plan, options);
        var two = Simulation.run(plan, options.withThreads(2));

        assertThat(one.eventLines()).isGreaterThan(500);
        assertThat(two.eventLogSha256()).isEqualTo(one.eventLogSha256());
        assertThat(two.report().counters()).isEqualTo(one.report().counters());
    }
}
