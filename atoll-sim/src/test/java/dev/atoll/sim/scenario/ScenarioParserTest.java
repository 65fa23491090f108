package dev.atoll.sim.scenario;

import static dev.atoll.sim.scenario.ScenarioFixtures.SMALL;
import static dev.atoll.sim.scenario.ScenarioFixtures.errorTexts;
import static dev.atoll.sim.scenario.ScenarioFixtures.errors;
import static dev.atoll.sim.scenario.ScenarioFixtures.parsed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.spec.FieldError;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScenarioParserTest {

    @Nested
    class AValidScenario {
        @Test
        void takesTheDefaultsForWhatItLeavesOut() {
            var scenario = parsed(SMALL);

            assertThat(scenario.name()).isEqualTo("small");
            assertThat(scenario.duration()).isEqualTo(Duration.ofMinutes(10));
            assertThat(scenario.settle()).isEqualTo(Duration.ofSeconds(60));
            assertThat(scenario.messageLoss()).isZero();
            assertThat(scenario.variants()).containsExactly("");
            assertThat(scenario.world("").latency()).isEqualTo(new Scenario.Latency.GreatCircle(1.0, 0.2, 5.0));
            assertThat(scenario.workload().orElseThrow().tenants()).containsExactly("default");
            assertThat(scenario.workload().orElseThrow().mix().getFirst().lifetime())
                    .isEqualTo(new Scenario.Lifetime.Forever());
            assertThat(scenario.faults()).isEmpty();
            assertThat(scenario.randomFaults()).isEmpty();
        }

        @Test
        void givesSimulatedNodesEveryDriverUnlessTheFileNamesThem() {
            var scenario = parsed(SMALL.replace(
                    "{name: paris, lat: 48.8566, lon: 2.3522, country: FR, nodes: {count: 3}}",
                    "{name: paris, lat: 48.8566, lon: 2.3522, country: FR, nodes: {count: 3, drivers: [oci]}}"));

            var sites = ((Scenario.Sites.Listed) scenario.world("").sites())
                    .topology()
                    .sites();
            assertThat(sites.get(0).nodes())
                    .allSatisfy(n -> assertThat(n.drivers()).containsExactlyInAnyOrder("process", "oci", "microvm"));
            assertThat(sites.get(1).nodes())
                    .allSatisfy(n -> assertThat(n.drivers()).containsExactly("oci"));
        }

        @Test
        void readsTenantsAsACountOrAsNames() {
            var counted =
                    parsed(SMALL.replace("arrivals: {ratePerSecond: 2}", "arrivals: {ratePerSecond: 2}\n  tenants: 3"));
            var named = parsed(SMALL.replace(
                    "arrivals: {ratePerSecond: 2}", "arrivals: {ratePerSecond: 2}\n  tenants: [acme, globex]"));

            assertThat(counted.workload().orElseThrow().tenants()).containsExactly("tenant-1", "tenant-2", "tenant-3");
            assertThat(named.workload().orElseThrow().tenants()).containsExactly("acme", "globex");
        }

        @Test
        void readsLifetimesFromMillisecondsToHours() {
            String yaml = SMALL.replace("- weight: 1\n", "- weight: 1\n      lifetime: %s\n");

            assertThat(parsed(yaml.formatted("{min: 5ms, max: 2h}"))
                            .workload()
                            .orElseThrow()
                            .mix()
                            .getFirst()
                            .lifetime())
                    .isEqualTo(new Scenario.Lifetime.Between(Duration.ofMillis(5), Duration.ofHours(2)));
            assertThat(parsed(yaml.formatted("{mean: 90s}"))
                            .workload()
                            .orElseThrow()
                            .mix()
                            .getFirst()
                            .lifetime())
                    .isEqualTo(new Scenario.Lifetime.Exponential(Duration.ofSeconds(90)));
            assertThat(parsed(yaml.formatted("forever"))
                            .workload()
                            .orElseThrow()
                            .mix()
                            .getFirst()
                            .lifetime())
                    .isEqualTo(new Scenario.Lifetime.Forever());
        }

        @Test
        void readsEveryKindOfFault() {
            var scenario = parsed(SMALL + """
                    faults:
                      - {at: 30s, crashNode: {site: london, node: n2}, for: 60s}
                      - {at: 1m, crashSite: paris, for: 2m}
                      - {at: 2m, partition: {jurisdiction: EU}, for: 30s}
                      - {at: 3m, slowLink: {a: london, b: new-york, extraMs: 80}, for: 1m}
                      - {at: 4m, restartController: {largest: true}}
                      - {at: 5m, crashSite: {nearestTo: america}}
                      - {at: 6m, partition: {region: {lat: 50, lon: 0, radiusKm: 500}}, for: 1s}
                      - random: {perMinute: 2, kinds: [crashNode, slowLink]}
                    """);

            assertThat(scenario.faults())
                    .extracting(Scenario.Fault::kind)
                    .containsExactly(
                            new Scenario.FaultKind.CrashNode(
                                    new Scenario.SiteSelector.Named("london"), java.util.Optional.of("n2")),
                            new Scenario.FaultKind.CrashSite(new Scenario.SiteSelector.Named("paris")),
                            new Scenario.FaultKind.Partition(new Scenario.SiteGroup.InJurisdiction("EU")),
                            new Scenario.FaultKind.SlowLink(
                                    new Scenario.SiteSelector.Named("london"),
                                    new Scenario.SiteSelector.Named("new-york"),
                                    80),
                            new Scenario.FaultKind.RestartController(new Scenario.SiteSelector.Largest()),
                            new Scenario.FaultKind.CrashSite(new Scenario.SiteSelector.NearestTo("america")),
                            new Scenario.FaultKind.Partition(
                                    new Scenario.SiteGroup.Within(new dev.atoll.model.GeoPoint(50, 0), 500)));
            assertThat(scenario.faults().get(0).lasting()).contains(Duration.ofSeconds(60));
            assertThat(scenario.faults().get(4).lasting()).isEmpty();
            assertThat(scenario.randomFaults().orElseThrow().kinds())
                    .containsExactly(Scenario.FaultType.CRASH_NODE, Scenario.FaultType.SLOW_LINK);
            assertThat(scenario.randomFaults().orElseThrow().maxDownShare()).isEqualTo(0.5);
        }

        @Test
        void takesVariantsThatOverrideTheSitesAndShareTheRest() {
            var scenario = parsed("""
                    name: two-worlds
                    duration: 5m
                    users: [{name: tokyo-users, lat: 35.7, lon: 139.7, users: 100}]
                    variants:
                      big:
                        sites: [{name: one, lat: 50, lon: 8, country: DE, nodes: {count: 10}}]
                      small:
                        sites: {generate: {count: 5, nodes: {count: 2}}}
                    faults:
                      - {at: 1m, crashSite: {nearestTo: tokyo-users}, for: 1m}
                    """);

            assertThat(scenario.variants()).containsExactly("big", "small");
            assertThat(scenario.world("big").users())
                    .isEqualTo(scenario.world("small").users());
            assertThat(scenario.world("small").sites()).isInstanceOf(Scenario.Sites.Generated.class);
        }
    }

    @Nested
    class AnInvalidScenarioNamesTheFieldAndTheReason {
        @Test
        void anUnknownField() {
            assertThat(errors(SMALL.replace("duration: 10m", "duration: 10m\nsetle: 30s")))
                    .containsExactly(new FieldError(
                            "setle",
                            "unknown field; expected one of: name, description, duration, settle, messageLoss, sites,"
                                    + " latency, users, workload, faults, rebalance, variants"));
        }

        @Test
        void anUnknownFieldDeepInside() {
            assertThat(errorTexts(SMALL.replace("arrivals: {ratePerSecond: 2}", "arrivals: {rate: 2}")))
                    .contains(
                            "workload.arrivals.rate: unknown field; expected one of: ratePerSecond, count, rampUp",
                            "workload.arrivals.ratePerSecond: required; environments per second, e.g. 2 or 0.1");
        }

        @Test
        void aBadDuration() {
            assertThat(errors(SMALL.replace("duration: 10m", "duration: 10 minutes")))
                    .containsExactly(new FieldError(
                            "duration", "\"10 minutes\" is not a duration (examples: 500ms, 30s, 10m, 1h30m)"));
            assertThat(errors(SMALL.replace("duration: 10m", "duration: 600")))
                    .containsExactly(new FieldError(
                            "duration", "expected a duration such as 500ms, 30s, 10m or 1h, got a number"));
        }

        @Test
        void aFaultNamingASiteTheScenarioDoesNotHave() {
            var yaml = SMALL + """
                    faults:
                      - {at: 30s, crashSite: london, for: 1m}
                      - {at: 1m, crashSite: paris}
                      - {at: 2m, crashNode: {site: lundon, node: n1}}
                    """;

            assertThat(errorTexts(yaml))
                    .containsExactly("faults[2].crashNode.site: \"lundon\" is not a site of this scenario");
        }

        @Test
        void aFaultNamingANodeTheSiteDoesNotHave() {
            assertThat(errorTexts(SMALL + "faults: [{at: 1m, crashNode: {site: paris, node: n9}}]"))
                    .containsExactly("faults[0].crashNode.node: \"n9\" is not a node of site paris in this scenario");
        }

        @Test
        void aFaultNamingASiteOneVariantLacks() {
            var yaml = """
                    name: two-worlds
                    duration: 5m
                    variants:
                      big: {sites: [{name: frankfurt, lat: 50, lon: 8, country: DE, nodes: {count: 10}}]}
                      edge: {sites: {generate: {count: 5, nodes: {count: 2}}}}
                    faults:
                      - {at: 1m, crashSite: frankfurt, for: 1m}
                      - {at: 1m, crashSite: {nearestTo: tokyo}}
                    """;

            assertThat(errorTexts(yaml))
                    .containsExactly(
                            "faults[0].crashSite: \"frankfurt\" is not a site of variant edge",
                            "faults[1].crashSite.nearestTo: \"tokyo\" is not a user population of variants big, edge");
        }

        @Test
        void aFaultThatOutlastsTheScenario() {
            assertThat(errorTexts(SMALL + "faults: [{at: 9m, crashSite: paris, for: 2m}]"))
                    .containsExactly("faults[0].for: the fault would end at 11m, after the scenario's duration 10m;"
                            + " shorten it, or leave for out to keep the fault to the end");
            assertThat(errorTexts(SMALL + "faults: [{at: 10m, crashSite: paris}]"))
                    .containsExactly("faults[0].at: must be before the end of the scenario (duration 10m)");
        }

        @Test
        void aFaultItemWithTwoFaultsOrNone() {
            assertThat(errorTexts(SMALL + "faults: [{at: 1m, crashSite: paris, restartController: london}, {at: 1m}]"))
                    .containsExactly(
                            "faults[0]: give one fault per item, got crashSite and restartController",
                            "faults[1]: give one fault: crashNode, crashSite, partition, slowLink, restartController,"
                                    + " hotSpot, drainNode, or random");
        }

        @Test
        void aPartitionThatLeavesNoOtherSide() {
            assertThat(errorTexts(SMALL + "faults: [{at: 1m, partition: {sites: [london, paris, new-york]}}]"))
                    .containsExactly("faults[0].partition.sites: takes in every site of this scenario; a partition"
                            + " needs sites on both sides");
            assertThat(errorTexts(SMALL + "faults: [{at: 1m, partition: {jurisdiction: JP}}]"))
                    .containsExactly("faults[0].partition.jurisdiction: no site of this scenario is in it");
        }

        @Test
        void aMixSpecWithABadServiceField() {
            var yaml = SMALL.replace("web: {command: [web], replicas: 2}", "web: {command: [web], replicaz: 2}");

            assertThat(errorTexts(yaml))
                    .containsExactly("workload.mix[0].spec.spec.services.web.replicaz: unknown field; expected one of:"
                            + " driver, image, command, env, resources, ports, health, replicas, restart, placement,"
                            + " readOnly, mounts, networks, expose");
        }

        @Test
        void aMixSpecWithABadValueDeepInAList() {
            var yaml = SMALL.replace("web: {command: [web], replicas: 2}", "web: {command: [web, \"-v\", null]}");

            assertThat(errorTexts(yaml))
                    .containsExactly(
                            "workload.mix[0].spec.spec.services.web.command[2]: expected a" + " string, got null");
        }

        @Test
        void aWeightThatIsNotMoreThanZero() {
            assertThat(errorTexts(SMALL.replace("- weight: 1", "- weight: 0")))
                    .containsExactly("workload.mix[0].weight: must be more than 0, got 0");
            assertThat(errorTexts(SMALL.replace("- weight: 1", "- weight: -2.5")))
                    .containsExactly("workload.mix[0].weight: must be more than 0, got -2.5");
        }

        @Test
        void aMessageLossOutOfRange() {
            assertThat(errorTexts(SMALL.replace("duration: 10m", "duration: 10m\nmessageLoss: 1.5")))
                    .containsExactly("messageLoss: must be between 0 and 1, got 1.5");
        }

        @Test
        void nearUsersWithoutUsers() {
            var yaml = SMALL.replaceAll("(?s)users:\n  - \\{name: europe.*?\n  - \\{name: america.*?\n", "")
                    .replace("- weight: 1", "- weight: 1\n      nearUsers: true");

            assertThat(errorTexts(yaml))
                    .containsExactly("workload.mix[0].nearUsers: this scenario has no users; add users: [{name, lat,"
                            + " lon, users}] or users: {generate: {count: N}}");
        }

        @Test
        void aLatencyBoundWithoutNearUsers() {
            assertThat(errorTexts(SMALL.replace("- weight: 1", "- weight: 1\n      maxLatencyMs: 20")))
                    .containsExactly("workload.mix[0].maxLatencyMs: only with nearUsers: true");
        }

        @Test
        void aMatrixMissingAPair() {
            var yaml = SMALL.replace(
                    "\nusers:\n",
                    "\nlatency:\n  matrix:\n    london: {paris: 4, new-york: 35}\n    paris: {london: 4}\nusers:\n");

            assertThat(errorTexts(yaml))
                    .containsExactly("latency.matrix: no delay for 1 pair of sites of this scenario: paris-new-york;"
                            + " give a: {b: ms} or b: {a: ms} for each");
        }

        @Test
        void aMatrixThatSaysTwoThingsForOnePair() {
            var yaml = SMALL.replace(
                    "\nusers:\n",
                    "\nlatency:\n  matrix:\n    london: {paris: 4, new-york: 35}\n    paris: {london: 5, new-york: 38}\n"
                            + "users:\n");

            assertThat(errorTexts(yaml))
                    .containsExactly(
                            "latency.matrix.paris.london: differs from london.paris (4 ms); delays are the same"
                                    + " both ways, give one of them");
        }

        @Test
        void aScenarioWithoutSites() {
            assertThat(errorTexts("name: empty\nduration: 1m\n"))
                    .containsExactly("sites: required; a list of sites, or {generate: {count: N, nodes: {count: M}}}");
        }

        @Test
        void aDocumentThatIsNotAScenario() {
            assertThat(errorTexts("")).hasSize(1).first().asString().contains("the document is empty");
            assertThat(errorTexts("[1, 2]")).hasSize(1).first().asString().startsWith("expected a scenario");
        }

        @Test
        void tooManyArrivalsToPlan() {
            assertThat(errorTexts(SMALL.replace("ratePerSecond: 2", "ratePerSecond: 5000")))
                    .containsExactly("workload.arrivals.ratePerSecond: about 3000000 environments would arrive in 10m;"
                            + " at most 1000000 can be planned: lower ratePerSecond or set count");
        }

        @Test
        void reportsEveryErrorInOneRound() {
            var yaml = SMALL.replace("duration: 10m", "duration: soon\nmessageLoss: -1")
                    .replace("- weight: 1", "- weight: 0");

            assertThat(errors(yaml))
                    .extracting(FieldError::path)
                    .isEqualTo(List.of("duration", "messageLoss", "workload.mix[0].weight"));
        }
    }

    @Test
    void randomFaultKindsMustBeKnown() {
        assertThat(errorTexts(SMALL + "faults: [{random: {perMinute: 1, kinds: [crashNode, meteor]}}]"))
                .containsExactly("faults[0].random.kinds[1]: \"meteor\" is not a kind of random fault; kinds:"
                        + " crashNode, crashSite, partition, slowLink, restartController");
        assertThat(Set.copyOf(errorTexts(SMALL + "faults: [{random: {perMinute: 1}}, {random: {perMinute: 2}}]")))
                .containsExactly("faults[1].random: only one random generator; the first is at faults[0]");
    }

    @Test
    void loadAndDrainsAreNotRandomFaults() {
        assertThat(errorTexts(SMALL + "faults: [{random: {perMinute: 1, kinds: [hotSpot]}}]"))
                .containsExactly("faults[0].random.kinds[0]: \"hotSpot\" is not a kind of random fault; kinds:"
                        + " crashNode, crashSite, partition, slowLink, restartController");
        assertThat(parsed(SMALL + "faults: [{random: {perMinute: 1}}]")
                        .randomFaults()
                        .orElseThrow()
                        .kinds())
                .allMatch(Scenario.FaultType::chaos)
                .doesNotContain(Scenario.FaultType.HOT_SPOT, Scenario.FaultType.DRAIN_NODE);
    }

    @Test
    void readsHotSpotsDrainsAndTheRebalanceSection() {
        var scenario = parsed(SMALL + """
                rebalance: {cpuThreshold: 0.8, window: 20s, usageShare: 0.7}
                faults:
                  - {at: 30s, hotSpot: {site: london, node: n2, factor: 4}, for: 1m}
                  - {at: 1m, hotSpot: {site: paris, factor: 2.5}}
                  - {at: 2m, drainNode: {site: london, node: n1}, for: 1m}
                """);

        assertThat(scenario.faults())
                .extracting(Scenario.Fault::kind)
                .containsExactly(
                        new Scenario.FaultKind.HotSpot(
                                new Scenario.SiteSelector.Named("london"), java.util.Optional.of("n2"), 4.0),
                        new Scenario.FaultKind.HotSpot(
                                new Scenario.SiteSelector.Named("paris"), java.util.Optional.empty(), 2.5),
                        new Scenario.FaultKind.DrainNode(new Scenario.SiteSelector.Named("london"), "n1"));
        assertThat(scenario.rebalancing())
                .contains(new Scenario.Rebalancing(true, 0.8, 0.9, Duration.ofSeconds(20), Duration.ofSeconds(5), 0.7));

        var plan = ScenarioPlanner.plan(scenario, "", 1);
        assertThat(plan.timeline())
                .filteredOn(a -> !(a instanceof TimedAction.Deploy))
                .containsExactly(
                        new TimedAction.HotSpot(Duration.ofSeconds(30), "london", "n2", 4.0),
                        new TimedAction.HotSpot(Duration.ofSeconds(60), "paris", "n1", 2.5),
                        new TimedAction.HotSpot(Duration.ofSeconds(60), "paris", "n2", 2.5),
                        new TimedAction.HotSpot(Duration.ofSeconds(60), "paris", "n3", 2.5),
                        new TimedAction.HotSpot(Duration.ofSeconds(90), "london", "n2", 1.0),
                        new TimedAction.DrainNode(Duration.ofSeconds(120), "london", "n1", true),
                        new TimedAction.DrainNode(Duration.ofSeconds(180), "london", "n1", false));
    }

    @Test
    void aScenarioWithoutARebalanceSectionNeitherRebalancesNorMeasures() {
        assertThat(parsed(SMALL).rebalancing()).isEmpty();
    }

    @Test
    void badHotSpotsDrainsAndRebalanceFieldsAreNamed() {
        assertThat(errorTexts(SMALL + "faults: [{at: 1m, hotSpot: {site: london, node: n1}}]"))
                .singleElement()
                .asString()
                .startsWith("faults[0].hotSpot.factor: required");
        assertThat(errorTexts(SMALL + "faults: [{at: 1m, hotSpot: {site: london, factor: 0}}]"))
                .singleElement()
                .asString()
                .startsWith("faults[0].hotSpot.factor:");
        assertThat(errorTexts(SMALL + "faults: [{at: 1m, drainNode: {site: london}}]"))
                .containsExactly("faults[0].drainNode.node: required: the node to drain, e.g. n1");
        assertThat(errorTexts(SMALL + "faults: [{at: 1m, drainNode: {site: paris, node: n9}}]"))
                .containsExactly("faults[0].drainNode.node: \"n9\" is not a node of site paris in this scenario");
        assertThat(errorTexts(SMALL + "rebalance: {cpuThreshold: 1.5}"))
                .singleElement()
                .asString()
                .startsWith("rebalance.cpuThreshold:");
        assertThat(errorTexts(SMALL + "rebalance: {enable: true}"))
                .singleElement()
                .asString()
                .startsWith("rebalance.enable:");
    }
}
