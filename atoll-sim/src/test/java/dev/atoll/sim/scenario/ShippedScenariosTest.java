package dev.atoll.sim.scenario;

import static dev.atoll.sim.scenario.ScenarioFixtures.parsed;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ShippedScenariosTest {
    static Stream<String> smallScenarios() {
        // edge-1000 is planned once, with its figures printed, in Edge1000PlanTest.
        // The rebalancing scenarios inject load and drains instead of failures (tested below).
        return ShippedScenarios.names().stream()
                .filter(n -> !n.equals("edge-1000"))
                .filter(n -> !REBALANCING.contains(n));
    }

    @Test
    void theScenariosOfTheIssuesAreShipped() {
        assertThat(ShippedScenarios.names())
                .containsExactly(
                        "interoute-16", "edge-1000", "chaos", "big-dc-vs-edge", "hot-spot", "drain", "follow-the-sun");
    }

    static final List<String> REBALANCING = List.of("hot-spot", "drain", "follow-the-sun");

    @ParameterizedTest
    @MethodSource("dev.atoll.sim.scenario.ShippedScenariosTest#rebalancingScenarios")
    void eachRebalancingScenarioTurnsRebalancingOnAndLoadsOrDrainsANode(String name) {
        var scenario = parsed(ShippedScenarios.text(name).orElseThrow());
        var plan = ScenarioPlanner.plan(scenario, "", 1);

        assertThat(scenario.rebalancing())
                .hasValueSatisfying(r -> assertThat(r.enabled()).isTrue());
        assertThat(plan.timeline()).hasAtLeastOneElementOfType(TimedAction.Deploy.class);
        assertThat(plan.timeline())
                .anyMatch(a -> a instanceof TimedAction.HotSpot h && h.factor() > 1
                        || a instanceof TimedAction.DrainNode d && d.draining());
        assertThat(plan.withoutRebalancing().rebalancing())
                .hasValueSatisfying(r -> assertThat(r.enabled()).isFalse());
    }

    static Stream<String> rebalancingScenarios() {
        return REBALANCING.stream();
    }

    @Test
    void everyFileInTheFolderIsListedAndNoOtherNameHasText() throws IOException {
        try (var files = Files.list(Path.of("src/main/resources/scenarios"))) {
            assertThat(files.map(f -> f.getFileName().toString().replace(".yaml", "")))
                    .containsExactlyInAnyOrderElementsOf(ShippedScenarios.names());
        }
        assertThat(ShippedScenarios.text("../../etc/passwd")).isEmpty();
        assertThat(ShippedScenarios.text("nope")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dev.atoll.sim.scenario.ShippedScenariosTest#allScenarios")
    void eachParsesUnderItsOwnNameAndSaysHowTheFormatGoes(String name) {
        var text = ShippedScenarios.text(name).orElseThrow();
        var scenario = parsed(text);

        assertThat(scenario.name()).isEqualTo(name);
        assertThat(scenario.description()).isNotBlank();
        assertThat(text).startsWith("# " + name + ":").contains("# Scenario format");
    }

    static Stream<String> allScenarios() {
        return ShippedScenarios.names().stream();
    }

    @ParameterizedTest
    @MethodSource("smallScenarios")
    void eachPlansEveryVariantWithWorkAndFaults(String name) {
        var scenario = parsed(ShippedScenarios.text(name).orElseThrow());

        for (String variant : scenario.variants()) {
            var plan = ScenarioPlanner.plan(scenario, variant, 1);

            assertThat(plan.timeline()).as(variant).hasAtLeastOneElementOfType(TimedAction.Deploy.class);
            assertThat(plan.timeline())
                    .as(variant)
                    .anyMatch(a -> a instanceof TimedAction.CrashSite || a instanceof TimedAction.CrashNode);
            assertThat(plan.topology().sites()).isNotEmpty();
            assertThat(plan.latency()).isInstanceOf(IndexedSiteLatency.class);
        }
    }

    @Test
    void interouteHasTheSixteenSitesOfTheDesign() {
        var plan = ScenarioPlanner.plan(
                parsed(ShippedScenarios.text("interoute-16").orElseThrow()), "", 1);

        assertThat(plan.topology().sites())
                .extracting(s -> s.site().name())
                .containsExactlyInAnyOrder(
                        "los-angeles",
                        "new-york",
                        "hong-kong",
                        "london-1",
                        "london-2",
                        "london-3",
                        "madrid",
                        "milan",
                        "berlin",
                        "frankfurt",
                        "paris",
                        "amsterdam",
                        "geneva",
                        "singapore",
                        "zurich",
                        "chicago");
        assertThat(plan.duration()).isEqualTo(java.time.Duration.ofMinutes(10));
    }

    @Test
    void chaosIsSmallEnoughForHundredsOfSeeds() {
        var plan = ScenarioPlanner.plan(parsed(ShippedScenarios.text("chaos").orElseThrow()), "", 1);

        assertThat(plan.topology().sites()).hasSize(6);
        assertThat(plan.topology().sites())
                .allSatisfy(s -> assertThat(s.nodes()).hasSize(4));
        assertThat(plan.duration()).isLessThanOrEqualTo(java.time.Duration.ofMinutes(3));
    }
}
