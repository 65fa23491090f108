package dev.atoll.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.model.topology.Topologies;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first working cloud end to end: `atoll dev`'s embedded cloud of three sites, driven through
 * its REST API, running real HTTP servers. The tests follow one environment through its life.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevCloudEndToEndTest {
    static final String HELLO = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: hello}
            spec:
              services:
                web:
                  command: [python3, -m, http.server, "${ATOLL_PORT_HTTP}", --bind, 127.0.0.1]
                  env: {GREETING: "%s"}
                  ports: [http]
                  resources: {cpu: 100m, memory: 64Mi}
                  health: {http: {path: /, port: http}, interval: 200ms}
                  replicas: 6
                  placement:
                    spread: {across: site, minDomains: 3}
            """;

    @TempDir
    static Path dataDir;

    static DevCloud cloud;
    static HttpApi api;

    @BeforeAll
    static void startCloud() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/python3")) || onPath("python3"),
                "python3 is needed as the example's HTTP server; ./scripts/install-test-deps installs it");
        cloud = DevCloud.start(Topologies.defaultDev(), dataDir, 1, "127.0.0.1", 0);
        api = HttpApi.at(cloud.api().uri(), cloud.adminToken());
    }

    @AfterAll
    static void stopCloud() {
        if (cloud != null) {
            cloud.stopInstances();
            cloud.close();
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }

    private static JsonNode instances() {
        return api.get("/v1/instances?environment=hello").json();
    }

    private static void awaitReady() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/v1/environments/hello")
                        .json()
                        .path("status")
                        .asText()
                        .equals("ready"));
    }

    @Test
    @Order(1)
    void deploysSixHttpServersSpreadOverThreeSites() throws Exception {
        var created = api.post("/v1/environments", HELLO.formatted("one"), "application/yaml");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        awaitReady();
        JsonNode all = instances();
        assertThat(all).hasSize(6);
        Set<String> sites = new HashSet<>();
        for (JsonNode i : all) {
            sites.add(i.path("site").asText());
            assertThat(i.path("state").asText()).isEqualTo("running");
            int port = i.path("ports").path("http").asInt();
            var page = HttpApi.at(URI.create("http://127.0.0.1:" + port + "/")).get("/");
            assertThat(page.status()).isEqualTo(200);
        }
        assertThat(sites).containsExactlyInAnyOrder("london", "frankfurt", "new-york");
    }

    @Test
    @Order(2)
    void everySiteKeepsAPlanForItsOwnPlacementAndMovesNothingUnasked() {
        Map<String, Long> pidsBefore = pids();

        var plans = api.get("/v1/plans");

        assertThat(plans.status()).as(plans.body()).isEqualTo(200);
        Set<String> sites = new HashSet<>();
        for (JsonNode plan : plans.json()) {
            sites.add(plan.path("site").asText());
            assertThat(plan.path("applying").asBoolean()).isFalse();
            assertThat(plan.path("report").asText()).contains("hard violations").contains("energy");
            for (JsonNode move : plan.path("moves"))
                assertThat(move.path("from").asText())
                        .startsWith(plan.path("site").asText() + "/");
        }
        assertThat(sites).containsExactlyInAnyOrder("london", "frankfurt", "new-york");
        assertThat(pids()).isEqualTo(pidsBefore);
    }

    @Test
    @Order(2)
    void deployingTheSameSpecAgainChangesNothing() {
        Map<String, Long> pidsBefore = pids();

        var again = api.put("/v1/environments/hello", HELLO.formatted("one"), "application/yaml");

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("outcome").asText()).isEqualTo("unchanged");
        assertThat(pids()).isEqualTo(pidsBefore);
    }

    @Test
    @Order(3)
    void anInstanceKilledFromOutsideIsRestartedByItsNodeAgent() {
        JsonNode victim = instances().get(0);
        long pid = victim.path("pid").asLong();
        String id = victim.path("id").asText();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    for (JsonNode i : instances()) {
                        if (i.path("id").asText().equals(id)) {
                            return i.path("state").asText().equals("running")
                                    && i.path("pid").asLong() != pid;
                        }
                    }
                    return false;
                });
        JsonNode restarted = find(id);
        assertThat(restarted.path("restarts").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(4)
    void aChangedSpecIsRolledOutToEveryReplica() {
        var updated = api.put("/v1/environments/hello", HELLO.formatted("two"), "application/yaml");

        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("outcome").asText()).isEqualTo("updated");
        awaitReady();
        for (JsonNode i : instances()) {
            assertThat(i.path("generation").asLong()).as(i.toString()).isEqualTo(2);
        }
    }

    @Test
    @Order(5)
    void scalingAddsReplicasWithoutTouchingTheOthers() {
        Map<String, Long> before = pids();

        var scaled = api.post("/v1/environments/hello/services/web/scale", "{\"replicas\": 9}", "application/json");

        assertThat(scaled.status()).as(scaled.body()).isEqualTo(200);
        awaitReady();
        Map<String, Long> after = pids();
        assertThat(after).hasSize(9);
        before.forEach((id, pid) -> assertThat(after).containsEntry(id, pid));
    }

    @Test
    @Order(6)
    void anInstancesLogIsServed() {
        var log = api.get("/v1/instances/hello.web.0/logs");

        assertThat(log.status()).isEqualTo(200);
        assertThat(log.body()).contains("GET / HTTP");
    }

    @Test
    @Order(6)
    void anotherTenantSeesNothingOfItAndChangesNothing() {
        assertThat(api.post("/v1/tenants", "{\"name\": \"acme\"}", "application/json")
                        .status())
                .isEqualTo(201);
        var token = api.post("/v1/tokens", "{\"tenant\": \"acme\", \"role\": \"admin\"}", "application/json");
        assertThat(token.status()).as(token.body()).isEqualTo(201);
        var acme = HttpApi.at(cloud.api().uri(), token.json().path("token").asText());

        assertThat(acme.get("/v1/environments").json()).isEmpty();
        assertThat(acme.get("/v1/environments/hello").status()).isEqualTo(404);
        assertThat(acme.get("/v1/instances").json()).isEmpty();
        assertThat(acme.get("/v1/instances/hello.web.0/logs").status()).isEqualTo(404);
        assertThat(acme.delete("/v1/environments/hello").status()).isEqualTo(404);
        assertThat(acme.post("/v1/environments/hello/services/web/scale", "{\"replicas\": 0}", "application/json")
                        .status())
                .isEqualTo(404);
        assertThat(acme.get("/v1/events?watch=false&limit=1000").body()).doesNotContain("hello");
        assertThat(api.get("/v1/environments/hello").json().path("status").asText())
                .isEqualTo("ready");
        assertThat(instances()).hasSize(9);
    }

    @Test
    @Order(7)
    void deletingTheEnvironmentStopsEveryProcess() {
        Set<Long> pids = new HashSet<>(pids().values());

        var deleted = api.delete("/v1/environments/hello");

        assertThat(deleted.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/v1/environments/hello").status() == 404);
        await().atMost(Duration.ofSeconds(15)).until(() -> pids.stream()
                .noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
        assertThat(instances()).isEmpty();
    }

    @Test
    @Order(8)
    void aServiceOnATenantNetworkIsUnplaceableOnNodesWithoutNetworksAndEverySiteSaysWhy() {
        var spec = """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: kv}
                spec:
                  networks: [backend]
                  services:
                    cache:
                      command: [sleep, "600"]
                      networks: [backend]
                """;

        var created = api.post("/v1/environments", spec, "application/yaml");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> api.get("/v1/instances?environment=kv")
                                .json()
                                .path(0)
                                .path("state")
                                .asText(),
                        state -> state.equals("unplaceable"));
        String message = api.get("/v1/instances?environment=kv")
                .json()
                .path(0)
                .path("message")
                .asText();
        assertThat(message)
                .contains("3 declined this replica")
                .contains("london: 0 of 3 nodes fit: 3 without tenant networks")
                .contains("new-york: 0 of 3 nodes fit: 3 without tenant networks");
        assertThat(api.delete("/v1/environments/kv").status()).isEqualTo(202);
    }

    private static Map<String, Long> pids() {
        Map<String, Long> result = new HashMap<>();
        for (JsonNode i : instances())
            result.put(i.path("id").asText(), i.path("pid").asLong());
        return result;
    }

    private static JsonNode find(String id) {
        for (JsonNode i : instances()) if (i.path("id").asText().equals(id)) return i;
        throw new AssertionError("no instance " + id);
    }

    static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
