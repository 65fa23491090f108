package dev.atoll.cli.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.control.federation.SiteCalls;
import dev.atoll.model.agent.AgentCalls;
import dev.atoll.model.instance.InstanceState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `atoll site --peers`: one site run by three controller processes on loopback, with two agent
 * processes that know all three, and another site (one controller, no nodes) it gossips with; the
 * site keeps working when its leader's process is killed.
 */
class ThreeControllerSiteProcessesTest {
    /** A command no other test runs, so counting its processes counts this test's replicas. */
    private static final String MARK = "613";

    private static final String SLEEPERS = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: sleepers}
            spec:
              services:
                job:
                  command: [sleep, "%s"]
                  resources: {cpu: 100m, memory: 16Mi}
                  replicas: 3
            """.formatted(MARK);

    @TempDir
    Path dir;

    /** The cloud admin's token every controller registers, made before any starts. */
    private Path adminTokenFile() {
        adminToken();
        return dir.resolve("admin-token");
    }

    private String adminToken() {
        try {
            return dev.atoll.cli.site.AdminToken.readOrCreate(
                    dir.resolve("admin-token"), new java.security.SecureRandom());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private final SiteProcesses sites = new SiteProcesses(MARK);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Test
    void aSiteOfThreeControllerProcessesKeepsItsReplicasRunningOnceAndTakesChangesAfterItsLeaderIsKilled()
            throws Exception {
        int base = dev.atoll.cli.testing.FreePorts.range(40);
        List<String> wires = List.of("127.0.0.1:" + base, "127.0.0.1:" + (base + 10), "127.0.0.1:" + (base + 20));
        String parisWire = "127.0.0.1:" + (base + 36);
        URI parisApi = URI.create("http://127.0.0.1:" + (base + 35));
        sites.spawn(
                "paris",
                List.of(
                        "site",
                        "--name",
                        "paris",
                        "--lat",
                        "48.86",
                        "--lon",
                        "2.35",
                        "--country",
                        "FR",
                        "--listen",
                        parisWire,
                        "--api",
                        "127.0.0.1:" + (base + 35),
                        "--data-dir",
                        dir.resolve("paris").toString(),
                        "--admin-token-file",
                        adminTokenFile().toString()));
        await("paris answers")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> http.send(
                                        HttpRequest.newBuilder(parisApi.resolve("/healthz"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
        List<URI> apis = sites.spawnThreeControllers(
                dir,
                wires,
                base + 30,
                "--join",
                parisWire,
                "--admin-token-file",
                adminTokenFile().toString());
        for (String node : List.of("n1", "n2")) {
            sites.spawn(
                    node,
                    List.of(
                            "agent",
                            "--site",
                            "london",
                            "--controller",
                            String.join(",", wires),
                            "--name",
                            node,
                            "--capacity",
                            "cpu=2,memory=2Gi",
                            "--data-dir",
                            dir.resolve(node).toString(),
                            "--http",
                            "127.0.0.1:0",
                            "--stop-instances-on-exit"));
        }

        int leader = sites.awaitOneLeader(apis, List.of(0, 1, 2));
        int follower = (leader + 1) % 3;
        ApiClient viaFollower = new ApiClient(apis.get(follower), null, adminToken());
        awaitNodesReady(viaFollower);

        await("a follower lists the other site, as its leader knows it")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                        () -> viaFollower.sites().stream().map(v -> v.name()).toList(),
                        s -> s.containsAll(List.of("london", "paris")));

        viaFollower.create(SLEEPERS, "application/yaml");

        awaitRunning(viaFollower, 3);
        assertThat(viaFollower.environment("sleepers").orElseThrow().homeSite()).isEqualTo("london");
        assertThat(liveReplicas()).hasSize(3);

        long killedAt = System.nanoTime();
        sites.process("c" + leader).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        List<Integer> survivors = new ArrayList<>(List.of(0, 1, 2));
        survivors.remove(Integer.valueOf(leader));

        int newLeader = sites.awaitOneLeader(apis, survivors);
        long tookOverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        ApiClient viaSurvivor = new ApiClient(apis.get(survivors.get(0)), null, adminToken());
        awaitNodesReady(viaSurvivor);
        long nodesReadyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        System.out.printf(
                "leader c%d killed: c%d acts as the site after %d ms, both nodes ready after %d ms%n",
                leader, newLeader, tookOverMillis, nodesReadyMillis);

        awaitRunning(viaSurvivor, 3);
        assertThat(liveReplicas())
                .as("each replica runs once: none was started again")
                .hasSize(3);
        assertThat(viaSurvivor.instances(Optional.of("sleepers"), Optional.empty()))
                .extracting(i -> i.generation())
                .as("no replica was placed again")
                .containsOnly(1L);

        ApiClient viaParis = new ApiClient(parisApi, null, adminToken());
        await("the other site sees the site's replicas through its new leader")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> running(viaParis) == 3
                        && viaParis.sites().stream()
                                .anyMatch(v ->
                                        v.name().equals("london") && !v.health().equals("unreachable")));

        ApiClient viaOther = new ApiClient(apis.get(survivors.get(1)), null, adminToken());
        viaOther.scale("sleepers", "job", 5);

        awaitRunning(viaSurvivor, 5);
        await("5 replica processes")
                .atMost(Duration.ofSeconds(20))
                .until(() -> liveReplicas().size() == 5);
        assertThat(sites.output())
                .contains("[c" + newLeader + "] controller 127.0.0.1_")
                .contains("leads site london");
    }

    private static long running(ApiClient api) {
        return api.instances(Optional.of("sleepers"), Optional.empty()).stream()
                .filter(i -> i.state() == InstanceState.RUNNING)
                .count();
    }

    @Test
    void theAgentsAndTheSitesRefusalOfAFollowerIsTheSameText() {
        assertThat(AgentCalls.NOT_LEADER).isEqualTo(SiteCalls.NOT_LEADER);
    }

    private static void awaitNodesReady(ApiClient api) {
        await("both nodes ready")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> api.nodes(Optional.empty()).stream()
                                .filter(n -> n.state().equals("ready"))
                                .count()
                        == 2);
    }

    private static void awaitRunning(ApiClient api, int replicas) {
        await(replicas + " replicas running")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> api.instances(Optional.of("sleepers"), Optional.empty()).stream()
                                .filter(i -> i.state() == InstanceState.RUNNING)
                                .count()
                        == replicas);
    }

    /** The replica processes running now, by their working directory under this test's agents. */
    private List<String> liveReplicas() {
        Path data = dir.toAbsolutePath();
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            if (!p.info().commandLine().orElse("").endsWith("sleep " + MARK)) return;
            try {
                Path cwd = Files.readSymbolicLink(Path.of("/proc", String.valueOf(p.pid()), "cwd"));
                if (cwd.startsWith(data)) found.add(data.relativize(cwd).toString());
            } catch (IOException | UnsupportedOperationException e) {
                // Gone meanwhile.
            }
        });
        return found;
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        sites.close();
    }
}
