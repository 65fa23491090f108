package dev.atoll.control.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.NodeCapacity;
import dev.atoll.placement.SiteSummary;
import io.scalecube.cluster.Cluster;
import io.scalecube.cluster.ClusterImpl;
import io.scalecube.cluster.metadata.MetadataCodec;
import io.scalecube.transport.netty.tcp.TcpTransportFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SiteDirectory over real ScaleCube members on 127.0.0.1. */
class SiteDirectoryTest {
    private static final List<String> SITES = List.of("london", "paris", "berlin");
    /**
     * Joins and cards aim at a second; a 2-core machine shared with parallel builds can be several
     * times slower, so waits are generous and failure bounds get a slack factor.
     */
    private static final Duration BOUND = Duration.ofSeconds(20);

    private static final int SLACK = 4;

    private final GossipCloud cloud = new GossipCloud(GossipTimings.LAN);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "directory-test");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, SiteDirectory> directories = new HashMap<>();
    private Cluster stranger;

    @AfterEach
    void stopEverything() {
        directories.values().forEach(SiteDirectory::close);
        if (stranger != null) stranger.shutdown();
        cloud.close();
        scheduler.shutdownNow();
    }

    private SiteDirectory directoryOf(String site) {
        return directories.get(site);
    }

    private void startThreeSitesAndWaitForThem() {
        for (String site : SITES) {
            directories.put(
                    site,
                    SiteDirectory.open(
                            cloud.start(site), Clock.systemUTC(), scheduler, SiteDirectory.Settings.DEFAULT));
        }
        for (String site : SITES) {
            await().atMost(BOUND)
                    .untilAsserted(() ->
                            assertThat(directoryOf(site).siteNames()).containsExactly("berlin", "london", "paris"));
        }
    }

    private static SiteSummary parisWithTwoNodes() {
        var info = new SiteInfo("paris", new GeoPoint(48.86, 2.35), "FR", "EU", Set.of("green"));
        var free = new Resources(3000, 6L << 30);
        return new SiteSummary(
                info,
                true,
                List.of(
                        new NodeCapacity("p1", free, 10, Set.of("process"), Set.of("ssd"), true),
                        new NodeCapacity("p2", free, 10, Set.of("process"), Set.of("ssd"), true),
                        new NodeCapacity("p3", free, 10, Set.of("process"), Set.of("ssd"), false)));
    }

    @Test
    void aCardPublishedByOneSiteReachesTheOthersAsASummaryAndAddresses() {
        startThreeSitesAndWaitForThem();
        SiteCard card = SiteCard.of(
                parisWithTwoNodes(),
                "http://127.0.0.1:7170",
                List.of("127.0.0.1:7171", "127.0.0.1:7271", "127.0.0.1:7371"),
                5,
                "0.2.0");

        directoryOf("paris").publish(card);

        for (String other : List.of("london", "berlin")) {
            SiteDirectory directory = directoryOf(other);
            await().atMost(BOUND).untilAsserted(() -> assertThat(
                            directory.card("paris").orElseThrow().version())
                    .isEqualTo("0.2.0"));
            SiteSummary paris = directory.summaries().stream()
                    .filter(s -> s.name().equals("paris"))
                    .findFirst()
                    .orElseThrow();
            assertThat(paris.healthy()).isTrue();
            assertThat(paris.site().jurisdiction()).isEqualTo("EU");
            // The unready node is not gossiped; the two alike ready ones travel as one class.
            assertThat(paris.nodes()).hasSize(2).allSatisfy(node -> {
                assertThat(node.free()).isEqualTo(new Resources(3000, 6L << 30));
                assertThat(node.freeSlots()).isEqualTo(10);
                assertThat(node.tags()).containsExactly("ssd");
            });
            assertThat(directory.card("paris").orElseThrow().freeCapacity()).hasSize(1);
            assertThat(directory.wireAddresses("paris"))
                    .containsExactly(
                            new InetSocketAddress("127.0.0.1", 7171),
                            new InetSocketAddress("127.0.0.1", 7271),
                            new InetSocketAddress("127.0.0.1", 7371));
            assertThat(directory.wireAddress("paris")).contains(new InetSocketAddress("127.0.0.1", 7171));
            assertThat(directory.apiUrl("paris")).contains("http://127.0.0.1:7170");
            assertThat(directory.siteInfo("paris").orElseThrow().tags()).containsExactly("green");
            assertThat(directory.deadSites()).isEmpty();
        }
        assertThat(directoryOf("london").apiUrl("rome")).isEmpty();
        assertThat(directoryOf("london").wireAddresses("rome")).isEmpty();
    }

    @Test
    void aSiteThatStopsAnsweringIsDeadWithinTheGossipBoundAndStaysListedUnhealthy() {
        startThreeSitesAndWaitForThem();
        Duration bound = GossipTimings.LAN.deadWithin(SITES.size()).multipliedBy(SLACK);

        cloud.halt("berlin");

        for (String other : List.of("london", "paris")) {
            await().atMost(bound)
                    .untilAsserted(
                            () -> assertThat(directoryOf(other).deadSites()).containsExactly("berlin"));
            assertThat(directoryOf(other).siteNames()).contains("berlin");
            assertThat(directoryOf(other).summaries())
                    .filteredOn(s -> s.name().equals("berlin"))
                    .singleElement()
                    .satisfies(berlin -> {
                        assertThat(berlin.healthy()).isFalse();
                        assertThat(berlin.nodes()).isEmpty();
                    });
        }
    }

    @Test
    void measuredRoundTripTimesReachTheLatencyModel() {
        startThreeSitesAndWaitForThem();

        await().atMost(BOUND)
                .untilAsserted(() -> assertThat(directoryOf("london").rtt())
                        .containsOnlyKeys("paris", "berlin")
                        .allSatisfy((site, rtt) -> assertThat(rtt).isPositive()));
        var model = directoryOf("london").latency(dev.atoll.placement.LatencyModel.ESTIMATED);
        assertThat(model.measuredBetweenSites()).singleElement().satisfies(fromLondon -> {
            assertThat(fromLondon.origin().name()).isEqualTo("london");
            assertThat(fromLondon.rttMsToSites()).containsOnlyKeys("paris", "berlin");
        });
    }

    @Test
    void aPeerGossipingGarbageAsItsCardIsIgnoredAndTheOthersKeepWorking() {
        startThreeSitesAndWaitForThem();
        String seed = cloud.site("london").address();

        stranger = new ClusterImpl()
                .config(c -> c.memberAlias("mallory")
                        .externalHost(GossipCloud.LOOPBACK)
                        .metadata("garbage")
                        .metadataCodec(new RandomBytes()))
                .transport(t -> t.port(0))
                .transportFactory(TcpTransportFactory::new)
                .membership(m -> m.seedMembers(List.of(seed)))
                .startAwait();
        await().atMost(BOUND).until(() -> stranger.otherMembers().size() == SITES.size());

        SiteCard card = SiteCard.of(parisWithTwoNodes(), "http://127.0.0.1:7170", List.of(), 1, "0.3.0");
        directoryOf("paris").publish(card);
        for (String other : List.of("london", "berlin")) {
            await().atMost(BOUND).untilAsserted(() -> assertThat(
                            directoryOf(other).card("paris").orElseThrow().version())
                    .isEqualTo("0.3.0"));
            assertThat(directoryOf(other).siteNames()).containsExactly("berlin", "london", "paris");
            assertThat(directoryOf(other).deadSites()).isEmpty();
        }
    }

    /** Metadata a broken or hostile peer might send: random bytes, a different length each time. */
    private static final class RandomBytes implements MetadataCodec {
        private final SplittableRandom random = new SplittableRandom(7);

        @Override
        public Object deserialize(ByteBuffer buffer) {
            return "garbage";
        }

        @Override
        public synchronized ByteBuffer serialize(Object metadata) {
            byte[] bytes = new byte[1 + random.nextInt(300)];
            random.nextBytes(bytes);
            return ByteBuffer.wrap(bytes);
        }
    }
}
