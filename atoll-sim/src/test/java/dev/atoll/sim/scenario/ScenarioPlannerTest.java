package dev.atoll.sim.scenario;

import static dev.atoll.sim.scenario.ScenarioFixtures.SMALL;
import static dev.atoll.sim.scenario.ScenarioFixtures.parsed;
import static dev.atoll.sim.scenario.ScenarioFixtures.shipped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.sim.scenario.TimedAction.Deploy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScenarioPlannerTest {

    static List<Deploy> deploys(ScenarioPlan plan) {
        return plan.timeline().stream()
                .filter(Deploy.class::isInstance)
                .map(Deploy.class::cast)
                .toList();
    }

    static <T extends TimedAction> List<T> actions(ScenarioPlan plan, Class<T> type) {
        return plan.timeline().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The mix entry an environment came from: its name without the arrival number. */
    static String entryOf(String environment) {
        return environment.substring(0, environment.lastIndexOf('-'));
    }

    @Nested
    class Determinism {
        @Test
        void theSameSeedGivesAnEqualPlan() {
            var scenario = shipped("interoute-16");

            var first = ScenarioPlanner.plan(scenario, "", 42);
            var second = ScenarioPlanner.plan(scenario, "", 42);

            assertThat(second.timeline()).isEqualTo(first.timeline());
            assertThat(second).isEqualTo(first);
        }

        @Test
        void theSameSeedGivesAnEqualPlanOfGeneratedSitesAndRandomFaults() {
            var scenario = shipped("chaos");
            var edge = shipped("big-dc-vs-edge");

            assertThat(ScenarioPlanner.plan(scenario, "", 7)).isEqualTo(ScenarioPlanner.plan(scenario, "", 7));
            assertThat(ScenarioPlanner.plan(edge, "edge", 7)).isEqualTo(ScenarioPlanner.plan(edge, "edge", 7));
        }

        @Test
        void anotherSeedGivesAnotherTimeline() {
            var scenario = shipped("chaos");

            var one = ScenarioPlanner.plan(scenario, "", 1);
            var two = ScenarioPlanner.plan(scenario, "", 2);

            assertThat(two.timeline()).isNotEqualTo(one.timeline());
            assertThat(two.seed()).isEqualTo(2);
        }

        @Test
        void theTimelineIsInTimeOrderWithRecoveriesFirstAtOneInstant() {
            for (String name : List.of("interoute-16", "chaos")) {
                var timeline = ScenarioPlanner.plan(shipped(name), "", 3).timeline();

                assertThat(timeline).isSortedAccordingTo(ScenarioPlanner.IN_TIME_ORDER);
                assertThat(timeline).extracting(TimedAction::at).isSorted();
            }
        }

        @Test
        void anUnknownVariantIsAProgrammingError() {
            assertThatThrownBy(() -> ScenarioPlanner.plan(shipped("big-dc-vs-edge"), "", 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("variants: big-dc, edge");
        }
    }

    @Nested
    class Workload {
        @Test
        void arrivalsFollowTheRateAndTheMixWeights() {
            var scenario = shipped("interoute-16");
            var plan = ScenarioPlanner.plan(scenario, "", 11);
            var counts = deploys(plan).stream()
                    .collect(Collectors.groupingBy(d -> entryOf(d.spec().name()), Collectors.counting()));

            // 1 a second for 10 minutes, ramping up over the first 30 s: about 585.
            assertThat(deploys(plan)).hasSizeBetween(500, 670);
            double total = deploys(plan).size();
            var mix = scenario.workload().orElseThrow().mix();
            double weights = mix.stream().mapToDouble(Scenario.MixEntry::weight).sum();
            for (var entry : mix) {
                double expected = entry.weight() / weights;
                assertThat(counts.get(entry.spec().name()) / total)
                        .as(entry.spec().name())
                        .isCloseTo(expected, within(0.06));
            }
        }

        @Test
        void aCountCapsTheArrivals() {
            var plan = ScenarioPlanner.plan(
                    parsed(SMALL.replace("ratePerSecond: 2", "ratePerSecond: 2, count: 25")), "", 5);

            assertThat(deploys(plan)).hasSize(25);
        }

        @Test
        void aRampBringsFewerArrivalsAtFirst() {
            var plan = ScenarioPlanner.plan(
                    parsed(SMALL.replace("ratePerSecond: 2", "ratePerSecond: 20, rampUp: 2m")), "", 5);
            long firstMinute = deploys(plan).stream()
                    .filter(d -> d.at().compareTo(Duration.ofMinutes(1)) < 0)
                    .count();
            long secondMinute = deploys(plan).stream()
                    .filter(d ->
                            d.at().compareTo(Duration.ofMinutes(1)) >= 0 && d.at().compareTo(Duration.ofMinutes(2)) < 0)
                    .count();
            long fourthMinute = deploys(plan).stream()
                    .filter(d ->
                            d.at().compareTo(Duration.ofMinutes(3)) >= 0 && d.at().compareTo(Duration.ofMinutes(4)) < 0)
                    .count();

            // Expected: 300, 900, then 1200 a minute.
            assertThat(firstMinute).isBetween(240L, 360L);
            assertThat(secondMinute).isBetween(800L, 1000L);
            assertThat(fourthMinute).isBetween(1080L, 1320L);
        }

        @Test
        void everyEnvironmentHasItsOwnNameAndATenantOfTheWorkload() {
            var scenario = shipped("interoute-16");
            var plan = ScenarioPlanner.plan(scenario, "", 8);
            var names = deploys(plan).stream().map(d -> d.spec().name()).toList();

            assertThat(names).doesNotHaveDuplicates();
            assertThat(deploys(plan))
                    .extracting(d -> d.spec().tenant())
                    .allMatch(scenario.workload().orElseThrow().tenants()::contains);
            assertThat(Set.copyOf(
                            deploys(plan).stream().map(d -> d.spec().tenant()).toList()))
                    .hasSize(4);
        }

        @Test
        void anEnvironmentIsDeletedWhenItsLifetimeEndsBeforeTheRunDoes() {
            var plan = ScenarioPlanner.plan(shipped("interoute-16"), "", 9);
            var deployed = new HashMap<String, Deploy>();
            deploys(plan).forEach(d -> deployed.put(d.spec().name(), d));
            var deletes = actions(plan, TimedAction.Delete.class);

            assertThat(deletes).isNotEmpty().allSatisfy(delete -> {
                var deploy = deployed.get(delete.environment());
                assertThat(deploy).isNotNull();
                assertThat(delete.tenant()).isEqualTo(deploy.spec().tenant());
                assertThat(delete.at()).isGreaterThan(deploy.at()).isLessThan(plan.duration());
            });
            // Entries that live forever are never deleted; batch jobs (at most a minute) always are,
            // unless they arrive in the last minute.
            assertThat(deletes).noneMatch(d -> entryOf(d.environment()).equals("api"));
            long batches = deploys(plan).stream()
                    .filter(d ->
                            entryOf(d.spec().name()).equals("batch") && d.at().compareTo(Duration.ofMinutes(9)) < 0)
                    .count();
            long batchDeletes = deletes.stream()
                    .filter(d -> entryOf(d.environment()).equals("batch"))
                    .count();
            assertThat(batchDeletes).isGreaterThanOrEqualTo(batches);
        }

        @Test
        void lifetimesStayWithinTheirBounds() {
            var plan = ScenarioPlanner.plan(shipped("chaos"), "", 4);
            var deployedAt = new HashMap<String, Duration>();
            deploys(plan).forEach(d -> deployedAt.put(d.spec().name(), d.at()));

            var blipLives = actions(plan, TimedAction.Delete.class).stream()
                    .filter(d -> entryOf(d.environment()).equals("blip"))
                    .map(d -> d.at().minus(deployedAt.get(d.environment())))
                    .toList();

            assertThat(blipLives).isNotEmpty().allSatisfy(life -> assertThat(life)
                    .isBetween(Duration.ofMillis(5), Duration.ofSeconds(20)));
            assertThat(blipLives).anyMatch(life -> life.compareTo(Duration.ofSeconds(1)) < 0);
        }

        @Test
        void nearUsersEnvironmentsRunNearAPopulationAndAreHomedAtTheSiteNearestIt() {
            var plan = ScenarioPlanner.plan(shipped("interoute-16"), "", 12);
            var shops = deploys(plan).stream()
                    .filter(d -> entryOf(d.spec().name()).equals("shop"))
                    .toList();
            var populations = plan.users().stream().collect(Collectors.toMap(UserPopulation::name, p -> p));

            assertThat(shops).isNotEmpty().allSatisfy(shop -> {
                var regions = shop.spec().services().values().stream()
                        .map(s -> s.placement().nearUsers())
                        .distinct()
                        .toList();
                assertThat(regions).hasSize(1);
                var region = regions.getFirst().getFirst();
                var population = populations.get(region.name());
                assertThat(region.location()).isEqualTo(population.location());
                assertThat(region.maxLatencyMs()).contains(30);
                assertThat(shop.homeSite()).isEqualTo(nearestSite(plan, population));
            });
            // Paris has the most users of Europe's four populations in this file.
            var byPopulation = shops.stream()
                    .collect(Collectors.groupingBy(
                            s -> s.spec()
                                    .services()
                                    .get("web")
                                    .placement()
                                    .nearUsers()
                                    .getFirst()
                                    .name(),
                            Collectors.counting()));
            assertThat(byPopulation.get("paris")).isGreaterThan(byPopulation.get("berlin"));
        }

        @Test
        void otherEnvironmentsKeepTheirPlacementAndGetARandomHome() {
            var plan = ScenarioPlanner.plan(shipped("interoute-16"), "", 12);
            var records = deploys(plan).stream()
                    .filter(d -> entryOf(d.spec().name()).equals("eu-records"))
                    .toList();

            assertThat(records).allSatisfy(d -> {
                var placement = d.spec().services().get("db").placement();
                assertThat(placement.jurisdictions()).containsExactly("EU");
                assertThat(placement.spread()).contains(new PlacementIntent.Spread(PlacementIntent.Domain.SITE, 2));
                assertThat(placement.nearUsers()).isEmpty();
            });
            assertThat(Set.copyOf(records.stream().map(Deploy::homeSite).toList()))
                    .hasSizeGreaterThan(8);
        }

        @Test
        void arrivalsShareTheirServicesInsteadOfCopyingThem() {
            var plan = ScenarioPlanner.plan(shipped("interoute-16"), "", 13);
            var distinct = Collections.newSetFromMap(new IdentityHashMap<ServiceSpec, Boolean>());
            deploys(plan).forEach(d -> distinct.addAll(d.spec().services().values()));

            // shop: 2 services for each of 8 populations; the four other entries: 1 service each.
            assertThat(distinct.size()).isLessThanOrEqualTo(2 * 8 + 4);
        }
    }

    static String nearestSite(ScenarioPlan plan, UserPopulation population) {
        var best = plan.topology().sites().getFirst();
        for (var s : plan.topology().sites()) {
            if (s.site().location().distanceKm(population.location())
                    < best.site().location().distanceKm(population.location())) best = s;
        }
        return best.site().name();
    }

    @Nested
    class Faults {
        @Test
        void fixedFaultsHappenWhenWrittenAndAreUndoneAfterTheirFor() {
            var plan = ScenarioPlanner.plan(shipped("interoute-16"), "", 1);
            var faults = plan.timeline().stream()
                    .filter(a -> !(a instanceof Deploy) && !(a instanceof TimedAction.Delete))
                    .toList();

            assertThat(faults)
                    .containsExactly(
                            new TimedAction.CrashNode(Duration.ofMinutes(1), "frankfurt", "n2"),
                            new TimedAction.RestoreNode(Duration.ofMinutes(3), "frankfurt", "n2"),
                            new TimedAction.CrashSite(Duration.ofMinutes(3), "london-2"),
                            new TimedAction.RestoreSite(Duration.ofMinutes(5), "london-2"),
                            new TimedAction.Partition(Duration.ofSeconds(330), Set.of("singapore")),
                            new TimedAction.SlowLink(Duration.ofMinutes(6), "new-york", "london-1", 80),
                            new TimedAction.Heal(Duration.ofSeconds(390), Set.of("singapore")),
                            new TimedAction.RestoreLink(Duration.ofSeconds(450), "new-york", "london-1"),
                            new TimedAction.RestartController(Duration.ofMinutes(8), "paris"));
        }

        @Test
        void selectorsPickASiteInEachVariant() {
            var scenario = shipped("big-dc-vs-edge");

            var bigDc = ScenarioPlanner.plan(scenario, "big-dc", 1);
            var edge = ScenarioPlanner.plan(scenario, "edge", 1);

            var tokyo = bigDc.users().stream()
                    .filter(u -> u.name().equals("tokyo"))
                    .findFirst()
                    .orElseThrow();
            assertThat(actions(bigDc, TimedAction.CrashSite.class))
                    .containsExactly(new TimedAction.CrashSite(Duration.ofMinutes(4), nearestSite(bigDc, tokyo)));
            assertThat(actions(edge, TimedAction.CrashSite.class))
                    .containsExactly(new TimedAction.CrashSite(Duration.ofMinutes(4), nearestSite(edge, tokyo)));
            assertThat(nearestSite(edge, tokyo)).startsWith("tokyo");
        }

        @Test
        void aPartitionOfAJurisdictionCutsOffExactlyItsSites() {
            var plan = ScenarioPlanner.plan(
                    parsed(SMALL + "faults: [{at: 1m, partition: {jurisdiction: EU}, for: 1m}]"), "", 1);

            assertThat(actions(plan, TimedAction.Partition.class))
                    .containsExactly(new TimedAction.Partition(Duration.ofMinutes(1), Set.of("paris")));
            assertThat(actions(plan, TimedAction.Heal.class))
                    .containsExactly(new TimedAction.Heal(Duration.ofMinutes(2), Set.of("paris")));
        }

        @Test
        void aRandomNodeIsANodeOfTheSite() {
            var plan = ScenarioPlanner.plan(parsed(SMALL + "faults: [{at: 1m, crashNode: {site: paris}}]"), "", 1);

            assertThat(actions(plan, TimedAction.CrashNode.class))
                    .singleElement()
                    .satisfies(c -> {
                        assertThat(c.site()).isEqualTo("paris");
                        assertThat(c.node()).isIn("n1", "n2", "n3");
                    });
            assertThat(actions(plan, TimedAction.RestoreNode.class)).isEmpty();
        }

        @Test
        void chaosNeverTakesHalfTheSitesDownAtOnce() {
            var scenario = shipped("chaos");
            var kindsSeen = new HashSet<Class<?>>();

            for (long seed = 1; seed <= 300; seed++) {
                var plan = ScenarioPlanner.plan(scenario, "", seed);
                int sites = plan.topology().sites().size();
                var down = new HashMap<String, Integer>();
                for (var action : plan.timeline()) {
                    kindsSeen.add(action.getClass());
                    switch (action) {
                        case TimedAction.CrashSite c -> down.merge(c.site(), 1, Integer::sum);
                        case TimedAction.RestoreSite r -> down.merge(r.site(), -1, Integer::sum);
                        case TimedAction.Partition p -> p.sites().forEach(s -> down.merge(s, 1, Integer::sum));
                        case TimedAction.Heal h -> h.sites().forEach(s -> down.merge(s, -1, Integer::sum));
                        default -> {}
                    }
                    long count = down.values().stream().filter(n -> n > 0).count();
                    assertThat(count * 2).as("seed %d at %s", seed, action.at()).isLessThan(sites);
                    assertThat(down.values())
                            .as("seed %d: a site is never hit twice at once", seed)
                            .allMatch(n -> n <= 1);
                }
            }
            assertThat(kindsSeen)
                    .contains(
                            TimedAction.CrashNode.class,
                            TimedAction.RestoreNode.class,
                            TimedAction.CrashSite.class,
                            TimedAction.RestoreSite.class,
                            TimedAction.Partition.class,
                            TimedAction.Heal.class,
                            TimedAction.SlowLink.class,
                            TimedAction.RestoreLink.class,
                            TimedAction.RestartController.class);
        }

        @Test
        void chaosFaultsAreAllUndoneByTheEndOfTheRun() {
            for (long seed = 1; seed <= 50; seed++) {
                var plan = ScenarioPlanner.plan(shipped("chaos"), "", seed);

                assertThat(actions(plan, TimedAction.RestoreSite.class))
                        .hasSameSizeAs(actions(plan, TimedAction.CrashSite.class));
                assertThat(actions(plan, TimedAction.RestoreNode.class))
                        .hasSameSizeAs(actions(plan, TimedAction.CrashNode.class));
                assertThat(actions(plan, TimedAction.Heal.class))
                        .hasSameSizeAs(actions(plan, TimedAction.Partition.class));
                assertThat(plan.timeline()).allMatch(a -> a.at().compareTo(plan.duration()) <= 0);
            }
        }
    }

    @Nested
    class GeneratedWorlds {
        @Test
        void sitesGoToRealCitiesWithUniqueNamesAndTheirCountrysLaw() {
            var plan = ScenarioPlanner.plan(shipped("big-dc-vs-edge"), "edge", 1);
            var sites = plan.topology().sites();

            assertThat(sites).hasSize(100);
            assertThat(sites)
                    .extracting(s -> s.site().name())
                    .doesNotHaveDuplicates()
                    .allSatisfy(name -> assertThat(dev.atoll.model.spec.FieldReader.checkDnsLabel(name))
                            .isEmpty());
            // The largest cities get more than one site.
            assertThat(sites).extracting(s -> s.site().name()).contains("tokyo", "tokyo-2", "delhi", "shanghai");
            for (var s : sites) {
                assertThat(s.site().jurisdiction())
                        .isEqualTo(dev.atoll.model.topology.Topologies.jurisdictionOf(
                                s.site().country()));
            }
            assertThat(sites.stream()
                            .filter(s -> s.site().name().equals("paris"))
                            .findFirst()
                            .orElseThrow()
                            .site()
                            .jurisdiction())
                    .isEqualTo("EU");
        }

        @Test
        void siteNamesDoNotDependOnTheSeedButTheirPlacesMoveALittle() {
            var scenario = shipped("big-dc-vs-edge");
            var one = ScenarioPlanner.plan(scenario, "edge", 1).topology().sites();
            var two = ScenarioPlanner.plan(scenario, "edge", 2).topology().sites();

            for (int i = 0; i < one.size(); i++) {
                assertThat(two.get(i).site().name()).isEqualTo(one.get(i).site().name());
                assertThat(one.get(i)
                                .site()
                                .location()
                                .distanceKm(two.get(i).site().location()))
                        .isLessThanOrEqualTo(2 * ScenarioParser.DEFAULT_JITTER_KM + 0.01);
            }
            assertThat(one.getFirst().site().location())
                    .isNotEqualTo(two.getFirst().site().location());
        }

        @Test
        void generatedNodesRunEveryDriver() {
            var plan = ScenarioPlanner.plan(shipped("big-dc-vs-edge"), "edge", 1);

            assertThat(plan.topology().sites())
                    .flatExtracting(s -> s.nodes())
                    .extracting(NodeInfo::drivers)
                    .allMatch(d -> d.equals(Set.of("process", "oci", "microvm")));
            assertThat(plan.topology().sites().get(3).nodes())
                    .extracting(NodeInfo::name)
                    .containsExactly("n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10");
        }

        @Test
        void bothVariantsOfBigDcVsEdgeHaveTheSameCapacityAndUsers() {
            var scenario = shipped("big-dc-vs-edge");
            var bigDc = ScenarioPlanner.plan(scenario, "big-dc", 1);
            var edge = ScenarioPlanner.plan(scenario, "edge", 1);

            assertThat(bigDc.topology().sites()).hasSize(2);
            assertThat(edge.topology().sites()).hasSize(100);
            assertThat(capacity(bigDc)).isEqualTo(capacity(edge));
            assertThat(bigDc.users()).isEqualTo(edge.users()).hasSize(50);
            assertThat(bigDc.name()).isEqualTo("big-dc-vs-edge/big-dc");
            // The same workload arrives at the same times in both.
            assertThat(deploys(bigDc))
                    .extracting(Deploy::at)
                    .isEqualTo(deploys(edge).stream().map(Deploy::at).toList());
        }

        @Test
        void theEdgeVariantHasASiteInTheCityOfEveryPopulation() {
            var plan = ScenarioPlanner.plan(shipped("big-dc-vs-edge"), "edge", 1);

            assertThat(plan.users())
                    .allSatisfy(population -> assertThat(plan.topology().sites())
                            .anyMatch(s -> s.site().name().equals(population.name())));
        }

        @Test
        void generatedUsersAreTheMostPopulousCities() {
            var users =
                    ScenarioPlanner.plan(shipped("big-dc-vs-edge"), "edge", 1).users();

            assertThat(users.getFirst().name()).isEqualTo("tokyo");
            assertThat(users).extracting(UserPopulation::users).isSortedAccordingTo(Collections.reverseOrder());
        }

        private static Map<String, Long> capacity(ScenarioPlan plan) {
            var total = new LinkedHashMap<String, Long>();
            var nodes = new ArrayList<NodeInfo>();
            plan.topology().sites().forEach(s -> nodes.addAll(s.nodes()));
            total.put("nodes", (long) nodes.size());
            total.put(
                    "cpu",
                    nodes.stream().mapToLong(n -> n.capacity().cpuMillis()).sum());
            total.put(
                    "memory",
                    nodes.stream().mapToLong(n -> n.capacity().memoryBytes()).sum());
            return total;
        }
    }
}
