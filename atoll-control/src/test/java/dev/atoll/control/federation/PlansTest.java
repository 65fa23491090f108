package dev.atoll.control.federation;

import static dev.atoll.control.Fixtures.aService;
import static dev.atoll.control.Fixtures.aServiceSpreadOverSites;
import static dev.atoll.control.Fixtures.anEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.control.rebalance.PlanSettings;
import dev.atoll.control.rebalance.SitePlanner;
import dev.atoll.model.view.PlanView;
import dev.atoll.placement.rebalance.MoveRateLimit;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's background optimizer over real site controllers: it keeps a plan for the site's own
 * placement, the cloud admin sees it whole and a tenant only its own moves, and applying it moves
 * the replicas through the mover, one at a time under the rate limit given.
 */
class PlansTest {
    @TempDir
    Path dir;

    private Sites sites;
    private SitePlanner planner;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService solver = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        if (planner != null) planner.close();
        loop.shutdownNow();
        solver.shutdownNow();
        if (sites != null) sites.close();
    }

    /** A started planner at {@code site}, answering for it, moving through the homes' movers. */
    private SitePlanner plannerAt(String site, PlanSettings settings) {
        SitePlanner p = new SitePlanner(
                        sites.site(site),
                        settings,
                        Clock.systemUTC(),
                        loop,
                        solver,
                        (home, move) -> sites.site(home).requestMove(move),
                        3)
                .start();
        sites.site(site).withPlans(p);
        return p;
    }

    private Map<String, Long> perNode() {
        return sites.running().values().stream()
                .flatMap(java.util.List::stream)
                .map(copy -> copy.substring(0, copy.indexOf('@')))
                .collect(Collectors.groupingBy(n -> n, java.util.TreeMap::new, Collectors.counting()));
    }

    @Test
    void aSiteKeepsAPlanThatPacksItsReplicasAndAppliesItOneMoveAtATime() throws Exception {
        // Given two single replicas, one on each of london's two nodes
        sites = Sites.start(dir, 2, "london");
        planner = plannerAt("london", PlanSettings.DEFAULT.withRate(new MoveRateLimit(1, 10, 60_000)));
        for (String name : new String[] {"one", "two"}) sites.cloud.create(anEnvironment(name, aService("web", 1)));
        await().atMost(Duration.ofSeconds(20)).until(() -> sites.running().size() == 2);
        assertThat(perNode()).as("placement spreads them").hasSize(2);

        // When the cloud admin asks for the plans
        var plans = sites.cloud.plans("default", true, null);

        // Then london's plan packs them onto one node (a node in use costs more than a move)
        assertThat(plans).singleElement().satisfies(p -> {
            assertThat(p.site()).isEqualTo("london");
            assertThat(p.applying()).isFalse();
            assertThat(p.moves()).isNotEmpty().allSatisfy(m -> {
                assertThat(m.from()).startsWith("london/");
                assertThat(m.to()).startsWith("london/").isNotEqualTo(m.from());
            });
            assertThat(p.report()).contains("energy").contains("BEFORE").contains("AFTER");
        });
        // And another tenant sees the plan without any of those moves, and without the site's report
        assertThat(sites.cloud.plans("acme", false, null)).singleElement().satisfies(p -> {
            assertThat(p.moves()).isEmpty();
            assertThat(p.report()).isNull();
        });
        assertThat(sites.cloud.plans("default", true, "paris")).isEmpty();

        // When the plan is applied
        PlanView applying = sites.cloud.applyPlan("london").orElseThrow();

        // Then it is under way and ends with every replica on one node, each still running once
        assertThat(applying.applying()).isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> perNode().size() == 1);
        assertThat(sites.running().values())
                .allSatisfy(copies -> assertThat(copies).hasSize(1));
        assertThat(sites.running()).hasSize(2);
    }

    @Test
    void aRegionPlanMovesASitesReplicaToTheCheaperEnergyOfItsNeighbourAndItsOwnPlanDoesNot() throws Exception {
        // Given london at a high energy price and paris at a low one, one node each, and a replica
        // at london (placed while paris's node was drained)
        sites = Sites.startTagged(
                dir,
                1,
                Map.of("london", java.util.Set.of("energy-price=1000"), "paris", java.util.Set.of("energy-price=10")),
                "london",
                "paris");
        planner = plannerAt("london", PlanSettings.DEFAULT.withRate(new MoveRateLimit(1, 10, 60_000)));
        sites.cloud.drain("paris", "n1", true);
        sites.cloud.create(anEnvironment("one", aService("web", 1)));
        await().atMost(Duration.ofSeconds(20)).until(() -> perNode().equals(Map.of("london/n1", 1L)));
        sites.cloud.drain("paris", "n1", false);
        await().atMost(Duration.ofSeconds(20)).until(() -> sites.site("london").knownSummaries().stream()
                .anyMatch(sum -> sum.site().name().equals("paris")
                        && sum.nodes().stream().allMatch(n -> n.ready())));

        // When the cloud admin asks for london's plan alone, then over its region of one more site
        var alone = sites.cloud.plans("default", true, "london", 0);
        var region = sites.cloud.plans("default", true, "london", 1);

        // Then alone it has nowhere better to go; over the region it moves to paris
        assertThat(alone).singleElement().satisfies(p -> assertThat(p.moves()).isEmpty());
        assertThat(region)
                .singleElement()
                .satisfies(p -> assertThat(p.moves()).singleElement().satisfies(m -> {
                    assertThat(m.from()).isEqualTo("london/n1");
                    assertThat(m.to()).startsWith("paris/");
                }));

        // And applied, the replica runs at paris
        sites.cloud.applyPlan("london").orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> perNode().equals(Map.of("paris/n1", 1L)));
    }

    @Test
    void aSiteToldHowOftenWorksOutItsPlanByItselfBeforeAnyoneAsks() throws Exception {
        // Given a site whose optimizer plans every 300 ms, and a replica there
        sites = Sites.start(dir, 2, "london");
        planner = plannerAt("london", PlanSettings.DEFAULT.withEvery(Duration.ofMillis(300)));
        sites.cloud.create(anEnvironment("one", aService("web", 1)));
        await().atMost(Duration.ofSeconds(20)).until(() -> sites.running().size() == 1);
        Thread.sleep(1_500);

        // When the plan is asked for
        java.time.Instant asked = java.time.Instant.now();
        var plans = sites.cloud.plans("default", true, "london");

        // Then it is one the site worked out before, by itself
        assertThat(plans).singleElement().satisfies(p -> assertThat(p.computedAt())
                .isBefore(asked));
    }

    @Test
    void aSiteWithoutAnOptimizerHasNoPlanAndNothingToApply() throws Exception {
        sites = Sites.start(dir, 2, "london");

        assertThat(sites.cloud.plans("default", true, null)).isEmpty();
        assertThat(sites.cloud.applyPlan("london")).isEmpty();
        assertThat(sites.cloud.applyPlan("nowhere")).isEmpty();
    }

    @Test
    void anEnvironmentSpreadOverThreeSitesBreaksNoRuleInThePlanOfAnyOfThem() throws Exception {
        // Given an environment of 6 replicas spread over 3 sites, 2 at each, and a planner at each
        // site (london homes it: it knows the others from their reports; paris and madrid ask)
        sites = Sites.start(dir, 2, "london", "paris", "madrid");
        java.util.List<SitePlanner> planners = new java.util.ArrayList<>();
        try {
            for (String name : new String[] {"london", "paris", "madrid"}) {
                SitePlanner p = plannerAt(name, PlanSettings.DEFAULT);
                planners.add(p);
            }
            sites.cloud.create(anEnvironment("hello", aServiceSpreadOverSites("web", 6, 3)));
            await().atMost(Duration.ofSeconds(20)).until(() -> sites.running().size() == 6);
            // The home hears of every replica from their sites before the plans are asked for.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> sites.site("london").observedReplicas().entrySet().stream()
                                    .filter(e -> !e.getKey().equals("london"))
                                    .mapToInt(e -> e.getValue().size())
                                    .sum()
                            == 4);
            assertThat(perSite())
                    .as("placement spreads them")
                    .containsExactly(Map.entry("london", 2L), Map.entry("madrid", 2L), Map.entry("paris", 2L));

            // When the cloud admin asks for the plans
            var plans = sites.cloud.plans("default", true, null);

            // Then no site counts a hard violation, before or after, each having counted the 4
            // replicas at the other two sites, and no plan moves a replica of another site
            assertThat(plans).hasSize(3).allSatisfy(p -> {
                assertThat(p.report())
                        .containsPattern("hard violations\\s+0\\s+0\\s")
                        .contains("Counted beside these, never moved: 4 replicas");
                assertThat(p.moves()).allSatisfy(m -> assertThat(m.from()).startsWith(p.site() + "/"));
            });
        } finally {
            planners.forEach(SitePlanner::close);
        }
    }

    private Map<String, Long> perSite() {
        return sites.running().values().stream()
                .flatMap(java.util.List::stream)
                .map(copy -> copy.substring(0, copy.indexOf('/')))
                .collect(Collectors.groupingBy(n -> n, java.util.TreeMap::new, Collectors.counting()));
    }
}
