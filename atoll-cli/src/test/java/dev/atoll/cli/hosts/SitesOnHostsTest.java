package dev.atoll.cli.hosts;

import static dev.atoll.cli.hosts.CloudOnHosts.instances;
import static dev.atoll.cli.hosts.CloudOnHosts.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.testhosts.RequiresHosts;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three sites (london, frankfurt, paris), each a host running one `atoll site` and two `atoll
 * agent` processes. The tests run in order on one cloud: each leaves it whole for the next.
 */
@RequiresHosts
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SitesOnHostsTest {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path dir;

    private CloudOnHosts cloud;

    @BeforeAll
    void startCloud() {
        cloud = CloudOnHosts.start("SitesOnHostsTest", dir, CloudOnHosts.EUROPE, 2);
    }

    @AfterAll
    void stopCloud() {
        if (cloud != null) cloud.close();
    }

    @Test
    @Order(1)
    void anEnvironmentDeployedAtOneSiteIsListedFromEveryOther() {
        ApiClient london = cloud.api("london");
        london.create(Specs.web("hello", 6), "application/yaml");

        for (String site : List.of("frankfurt", "paris", "london")) {
            ApiClient api = cloud.api(site);
            await("6 replicas running, seen from " + site)
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .ignoreExceptions()
                    .until(() -> running(instances(api, "hello")) == 6);
        }
        var seenFromParis = instances(cloud.api("paris"), "hello");
        assertThat(seenFromParis.stream().map(InstanceView::site).collect(Collectors.toSet()))
                .as("replicas spread over more than one site")
                .hasSizeGreaterThan(1);
        assertThat(cloud.api("frankfurt").environment("hello")).isPresent();
    }

    @Test
    @Order(2)
    void aControllerFedRandomBytesOnItsInternalPortKeepsWorking() throws Exception {
        var host = cloud.controllerHost("london");
        SplittableRandom random = new SplittableRandom(42);
        for (int attempt = 0; attempt < 5; attempt++) {
            try (Socket socket = new Socket(host.address(), CloudOnHosts.WIRE_PORT)) {
                OutputStream out = socket.getOutputStream();
                byte[] garbage = new byte[4096];
                random.nextBytes(garbage);
                out.write(garbage);
                out.flush();
                socket.setSoTimeout(5000);
                // The controller closes the connection rather than crash.
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
        }
        assertThat(cloud.controller("london").isAlive()).isTrue();
        var reply = cloud.api("london").scale("hello", "web", 7);
        assertThat(reply).isNotNull();
        await("the scaled environment runs 7")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> running(instances(cloud.api("london"), "hello")) == 7);
        cloud.api("london").scale("hello", "web", 6);
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> instances(cloud.api("london"), "hello").size() == 6);
    }

    @Test
    @Order(3)
    void whenAnAgentIsKilledItsInstancesRunElsewhereWithinFiveSeconds() {
        ApiClient frankfurt = cloud.api("frankfurt");
        String victim = busiestNode(frankfurt);
        List<String> lost = instances(frankfurt, "hello").stream()
                .filter(i -> (i.site() + "-" + i.node()).equals(victim))
                .map(InstanceView::id)
                .toList();
        assertThat(lost).isNotEmpty();

        long killedAt = System.nanoTime();
        cloud.killAgent(victim);
        await("the replicas of " + victim + " " + lost + " run on other nodes")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> instances(frankfurt, "hello").stream()
                        .filter(i -> lost.contains(i.id()))
                        .allMatch(i ->
                                i.state() == InstanceState.RUNNING && !(i.site() + "-" + i.node()).equals(victim)));
        System.out.printf(
                "node failure on real hosts: %s's %d replicas running elsewhere after %d ms%n",
                victim, lost.size(), (System.nanoTime() - killedAt) / 1_000_000);
        cloud.startAgent(victim);
    }

    private static String busiestNode(ApiClient api) {
        return instances(api, "hello").stream()
                .filter(i -> i.state() == InstanceState.RUNNING)
                .collect(Collectors.groupingBy(i -> i.site() + "-" + i.node(), Collectors.counting()))
                .entrySet()
                .stream()
                .max(java.util.Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
    }

    @Test
    @Order(4)
    void aControllerRestartedWithItsDataDirRejoinsAndCatchesUp() {
        ApiClient paris = cloud.api("paris");
        cloud.killController("frankfurt");
        await("frankfurt unreachable from paris")
                .atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> paris.sites().stream()
                        .anyMatch(
                                s -> s.name().equals("frankfurt") && !s.health().equals("healthy")));
        cloud.startController("frankfurt", List.of("london"));

        ApiClient frankfurt = cloud.api("frankfurt");
        await("frankfurt back, with its nodes, and every replica running exactly once")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> frankfurt.sites().stream().allMatch(s -> s.health().equals("healthy"))
                        && frankfurt.nodes(Optional.of("frankfurt")).stream()
                                .allMatch(n -> n.state().equals("ready"))
                        && running(instances(frankfurt, "hello")) == 6
                        && cloud.liveInstanceProcesses().size() == 6);
        // What it knew before the crash it read back from its own log: the environment homed at
        // london is listed by frankfurt as by every other site.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertThat(placements(frankfurt))
                .isEqualTo(placements(paris)));
    }

    private static List<String> placements(ApiClient api) {
        return instances(api, "hello").stream()
                .map(i -> i.id() + "@" + i.site() + "/" + i.node() + "#" + i.generation())
                .toList();
    }
}
