package dev.atoll.control.federation;

import static dev.atoll.control.Fixtures.aService;
import static dev.atoll.control.Fixtures.aServiceAt;
import static dev.atoll.control.Fixtures.anEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.control.rebalance.RebalanceSettings;
import dev.atoll.control.rebalance.SiteRebalancer;
import dev.atoll.control.site.SiteController;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.placement.rebalance.OverloadPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's rebalancer over real site controllers: the measured use its agents send makes a node
 * overloaded, the neighbour scheduler picks the moves and the replicas' home carries them out
 * through the mover, just enough to bring the node back under its limit.
 */
class RebalancingTest {
    @TempDir
    Path dir;

    private Sites sites;
    private SiteRebalancer rebalancer;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        if (rebalancer != null) rebalancer.close();
        loop.shutdownNow();
        if (sites != null) sites.close();
    }

    private static final RebalanceSettings FAST = RebalanceSettings.ON
            .withPolicy(new OverloadPolicy(0.85, 0.90, 1_000))
            .withPeriod(Duration.ofMillis(300));

    /** Where the replicas of environment {@code hot} run: node to count. */
    private Map<String, Long> perNode() {
        return sites.running().entrySet().stream()
                .filter(e -> e.getKey().contains("hot"))
                .flatMap(e -> e.getValue().stream())
                .map(copy -> copy.substring(0, copy.indexOf('@')))
                .collect(Collectors.groupingBy(n -> n, java.util.TreeMap::new, Collectors.counting()));
    }

    @Test
    void anOverloadedNodeShedsJustEnoughReplicasToANeighbourOfItsSite() throws Exception {
        // Given eight replicas of 500m at london, four on each of its two nodes of 4 cpus
        sites = Sites.start(dir, 2, "london", "paris");
        ServiceSpec web = aServiceAt("web", 8, PlacementIntent.Strategy.SPREAD, "london");
        sites.cloud.create(anEnvironment("hot", web));
        await().atMost(Duration.ofSeconds(20)).until(() -> perNode().equals(Map.of("london/n1", 4L, "london/n2", 4L)));
        // And london's rebalancer on
        rebalancer = new SiteRebalancer(
                        sites.site("london"),
                        FAST,
                        Clock.systemUTC(),
                        loop,
                        (home, move) -> sites.site(home).requestMove(move),
                        7)
                .start();

        // When n1's replicas use twice their cpu (4 x 1000m = 4000m, over 85% of 4000m) and n2's half
        sites.agents.get("london").get(0).cpuPerReplica = 1000;
        sites.agents.get("london").get(1).cpuPerReplica = 250;

        // Then one replica moves to n2 (3 x 1000m is under the limit), and no more
        await().atMost(Duration.ofSeconds(30)).until(() -> perNode().equals(Map.of("london/n1", 3L, "london/n2", 5L)));
        Thread.sleep(3 * FAST.period().toMillis() + FAST.policy().windowMillis());
        assertThat(perNode()).isEqualTo(Map.of("london/n1", 3L, "london/n2", 5L));
        var stats = rebalancer.stats();
        assertThat(stats.movesRequested()).isEqualTo(1);
        assertThat(stats.movesStarted()).isEqualTo(1);
        assertThat(rebalancer.held())
                .as("the partition is released once its move is done")
                .isEmpty();
    }

    @Test
    void aRebalancerThatIsOffListensToNothingAndMovesNothing() throws Exception {
        // Given a hot node at london
        sites = Sites.start(dir, 2, "london");
        sites.cloud.create(anEnvironment("hot", aService("web", 4)));
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        perNode().values().stream().mapToLong(Long::longValue).sum() == 4);
        Map<String, Long> before = perNode();
        sites.agents.get("london").forEach(a -> a.cpuPerReplica = 4000);

        // When the rebalancer is built with the default settings (off) and started
        rebalancer = new SiteRebalancer(
                        sites.site("london"),
                        RebalanceSettings.OFF,
                        Clock.systemUTC(),
                        loop,
                        (home, move) -> sites.site(home).requestMove(move),
                        7)
                .start();
        Thread.sleep(1_500);

        // Then nothing moved, and it never looked
        assertThat(perNode()).isEqualTo(before);
        assertThat(rebalancer.stats().overloadsDetected()).isZero();
    }

    @Test
    void aPartitionThatReachesAnotherSiteWaitsUntilThatSiteCanHoldItsNodes() throws Exception {
        // Given four replicas packed on one site's only node, and the other site's node held by a
        // partition of a third site
        sites = Sites.start(dir, 1, "london", "paris");
        ServiceSpec web = aServiceAt("web", 4, PlacementIntent.Strategy.PACK, "london", "paris");
        sites.cloud.create(anEnvironment("hot", web));
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        perNode().size() == 1 && perNode().values().iterator().next() == 4L);
        String hotNode = perNode().keySet().iterator().next();
        String hot = hotNode.substring(0, hotNode.indexOf('/'));
        String other = hot.equals("london") ? "paris" : "london";
        String otherNode = other + "/n1";
        SiteController neighbour = sites.site(other);
        assertThat(neighbour
                        .handleNodeClaim(new NodeClaim("overload:rome/n9", List.of(otherNode), 60_000))
                        .granted())
                .isTrue();
        rebalancer = new SiteRebalancer(
                        sites.site(hot),
                        FAST,
                        Clock.systemUTC(),
                        loop,
                        (home, move) -> sites.site(home).requestMove(move),
                        7)
                .start();

        // When that node runs hot, and its only neighbour with room is the other site's node
        sites.agents.get(hot).get(0).cpuPerReplica = 1000;

        // Then the other site refuses to hold its node for the partition, and nothing moves
        await().atMost(Duration.ofSeconds(20)).until(() -> rebalancer.stats().claimsRefused() >= 1);
        Thread.sleep(2 * FAST.period().toMillis());
        assertThat(rebalancer.stats().movesRequested()).isZero();
        assertThat(perNode()).isEqualTo(Map.of(hotNode, 4L));
        assertThat(neighbour.nodeClaims().current().owners()).isEqualTo(Map.of(otherNode, "overload:rome/n9"));

        // And once the other partition lets go, the node is held for this one and one replica moves there
        neighbour.handleNodeRelease("overload:rome/n9");
        await().atMost(Duration.ofSeconds(30)).until(() -> perNode().equals(Map.of(hotNode, 3L, otherNode, 1L)));
        assertThat(rebalancer.stats().movesStarted()).isEqualTo(1);
        await("the partition released at the other site once its move is done")
                .atMost(Duration.ofSeconds(10))
                .until(() -> neighbour.nodeClaims().current().owners().isEmpty());
    }

    @Test
    void anOverloadIsNotRelievedByAMoveThatWouldBreakASpreadWithReplicasElsewhere() throws Exception {
        // Given a service spread over london and paris, one replica at each, and london's only node
        // filled by a service that may not leave london
        sites = Sites.start(dir, 1, "london", "paris");
        sites.cloud.create(anEnvironment("spread", dev.atoll.control.Fixtures.aServiceSpreadOverSites("web", 2, 2)));
        sites.cloud.create(anEnvironment("hot", aServiceAt("pinned", 3, PlacementIntent.Strategy.SPREAD, "london")));
        await().atMost(Duration.ofSeconds(20)).until(() -> sites.running().size() == 5);
        assertThat(sites.running().get("default/spread.web.0").toString()
                        + sites.running().get("default/spread.web.1"))
                .contains("london/n1")
                .contains("paris/n1");
        rebalancer = new SiteRebalancer(
                        sites.site("london"),
                        FAST,
                        Clock.systemUTC(),
                        loop,
                        (home, move) -> sites.site(home).requestMove(move),
                        7)
                .start();

        // When london's node runs hot (4 replicas x 1000m over 85% of 4000m)
        sites.agents.get("london").get(0).cpuPerReplica = 1000;

        // Then the overload is seen, but the spread replica at london is not asked to move to paris
        // (both would be at paris), and the others may not leave london: nothing is asked at all
        await().atMost(Duration.ofSeconds(20)).until(() -> rebalancer.stats().overloadsDetected() >= 1);
        Thread.sleep(4 * FAST.period().toMillis());
        assertThat(rebalancer.stats().movesRequested()).isZero();
        assertThat(rebalancer.stats().overloadsDetected()).isGreaterThan(1);
    }
}
