package dev.atoll.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.topology.Topologies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sites lost or cut off, in the embedded cloud: their replicas are placed again by their homes
 * within the same hard constraints, and a site back from a partition stops exactly its superseded
 * copies.
 */
class SiteFailureTest {
    @TempDir
    Path dataDir;

    private DevCloud cloud;

    @BeforeEach
    void startCloud() throws Exception {
        cloud = DevCloud.start(Topologies.defaultDev(), dataDir, 1, "127.0.0.1", 0);
    }

    @AfterEach
    void stopCloud() {
        cloud.stopInstances();
        cloud.close();
    }

    private static EnvironmentSpec spec(String name, String placement, int replicas) {
        String text = """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: %s}
                spec:
                  services:
                    sleeper:
                      command: [sleep, "600"]
                      replicas: %d
                      placement: %s
                """.formatted(name, replicas, placement);
        return ((SpecResult.Valid) SpecParser.parse(text)).spec();
    }

    private List<InstanceView> instances(String environment) {
        return cloud.cloud().instances("default", environment, null);
    }

    private void awaitReady(String environment) {
        await().atMost(Duration.ofSeconds(30)).until(() -> cloud.cloud()
                .environment("default", environment)
                .map(e -> e.status().equals("ready"))
                .orElse(false));
    }

    @Test
    void replicasOfALostSiteRunOnTheOtherSitesWithTheNextGeneration() {
        cloud.cloud().create(spec("spread", "{antiAffinity: node}", 6));
        awaitReady("spread");
        Map<String, Long> before =
                instances("spread").stream().collect(Collectors.toMap(InstanceView::id, InstanceView::generation));
        Set<String> onFrankfurt = instances("spread").stream()
                .filter(i -> i.site().equals("frankfurt"))
                .map(InstanceView::id)
                .collect(Collectors.toSet());
        assertThat(onFrankfurt).isNotEmpty();

        cloud.crashSite("frankfurt");

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> instances("spread").stream()
                        .allMatch(i ->
                                i.state() == InstanceState.RUNNING && !i.site().equals("frankfurt")));
        for (InstanceView i : instances("spread")) {
            long expected = onFrankfurt.contains(i.id()) ? before.get(i.id()) + 1 : before.get(i.id());
            assertThat(i.generation()).as(i.id()).isEqualTo(expected);
        }
        assertThat(cloud.cloud().sites())
                .filteredOn(s -> s.name().equals("frankfurt"))
                .extracting(s -> s.health())
                .containsExactly("unreachable");
    }

    @Test
    void aReplicaAllowedOnlyOnALostSiteWaitsAsUnplaceableWithTheReason() {
        cloud.cloud().create(spec("eu-only", "{jurisdictions: [EU]}", 1));
        awaitReady("eu-only");

        cloud.crashSite("frankfurt");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> instances("eu-only").getFirst().state() == InstanceState.UNPLACEABLE);
        InstanceView waiting = instances("eu-only").getFirst();
        assertThat(waiting.message()).contains("outside jurisdiction EU").contains("frankfurt");
        assertThat(cloud.cloud().recentEvents(200)).anyMatch(e -> e.type().equals("instance-unplaceable"));
    }

    @Test
    void aSiteBackFromAPartitionStopsExactlyItsSupersededCopiesSoEachReplicaRunsOnce() {
        cloud.cloud().create(spec("once", "{antiAffinity: node}", 6));
        awaitReady("once");
        List<Long> frankfurtPids = instances("once").stream()
                .filter(i -> i.site().equals("frankfurt"))
                .map(i -> i.pid().orElseThrow())
                .toList();
        assertThat(frankfurtPids).isNotEmpty();

        cloud.cutOff("frankfurt");
        await().atMost(Duration.ofSeconds(20)).until(() -> instances("once").stream()
                .allMatch(i -> i.state() == InstanceState.RUNNING && !i.site().equals("frankfurt")));
        // Autonomy: the cut-off site keeps running what it had.
        assertThat(frankfurtPids).allMatch(SiteFailureTest::alive);

        cloud.reconnect("frankfurt");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> frankfurtPids.stream().noneMatch(SiteFailureTest::alive));
        List<InstanceView> after = instances("once");
        assertThat(after).hasSize(6).allMatch(i -> i.state() == InstanceState.RUNNING);
        assertThat(after)
                .extracting(i -> i.pid().orElseThrow())
                .allMatch(SiteFailureTest::alive)
                .doesNotHaveDuplicates();
    }

    @Test
    void whenTheHomeSiteIsLostItsBuddyAdoptsTheEnvironmentAndLaterChangesWork() {
        cloud.cloud().create(spec("adopted", "{antiAffinity: node}", 4));
        awaitReady("adopted");
        String home =
                cloud.cloud().environment("default", "adopted").orElseThrow().homeSite();
        List<String> siteNames =
                cloud.cloud().sites().stream().map(s -> s.name()).toList();
        String buddy =
                dev.atoll.control.home.Buddies.of(home, siteNames, Set.of()).getFirst();
        Map<String, Long> keptPids = instances("adopted").stream()
                .filter(i -> !i.site().equals(home))
                .collect(Collectors.toMap(InstanceView::id, i -> i.pid().orElseThrow()));

        cloud.crashSite(home);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> cloud.cloud()
                                .environment("default", "adopted")
                                .map(e -> e.homeSite().equals(buddy))
                                .orElse(false)
                        && instances("adopted").stream()
                                .allMatch(i -> i.state() == InstanceState.RUNNING
                                        && !i.site().equals(home)));
        // Replicas that did not run on the lost home kept running: the same processes.
        instances("adopted").stream()
                .filter(i -> keptPids.containsKey(i.id()))
                .forEach(i -> assertThat(i.pid()).as(i.id()).contains(keptPids.get(i.id())));

        assertThat(cloud.cloud().scale("default", "adopted", "sleeper", 2))
                .isInstanceOf(dev.atoll.model.view.DeployOutcome.Updated.class);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> instances("adopted").size() == 2
                        && instances("adopted").stream().allMatch(i -> i.state() == InstanceState.RUNNING));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
