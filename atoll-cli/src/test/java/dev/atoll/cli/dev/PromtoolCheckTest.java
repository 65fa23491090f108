package dev.atoll.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.topology.Topologies;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code atoll dev} serves at /metrics after a deploy passes {@code promtool check metrics}
 * (Debian's prometheus package, installed by scripts/install-test-deps): the exposition parses and
 * follows Prometheus's naming rules.
 */
@Tag("host")
class PromtoolCheckTest {
    @TempDir
    Path dataDir;

    private static Optional<Path> promtool() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "promtool"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Where promtool is; aborts the test (not root) or fails it (root: CI installs it) when missing. */
    private static Path requirePromtool() {
        Optional<Path> promtool = promtool();
        if (promtool.isEmpty()) {
            // As root (CI) scripts/install-test-deps installs it: missing there is a failure.
            assertThat(root())
                    .as("promtool is missing: run scripts/install-test-deps (Debian package prometheus)")
                    .isFalse();
            Assumptions.abort("promtool is not installed (Debian package prometheus) and we are not root to"
                    + " install it: scripts/install-test-deps as root does");
        }
        return promtool.get();
    }

    private static void assertPassesPromtool(Path promtool, String what, String scrape) throws Exception {
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        try (var in = check.getOutputStream()) {
            in.write(scrape.getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue())
                .as("promtool check metrics of %s said:%n%s", what, said)
                .isZero();
    }

    private static boolean ready(dev.atoll.control.cloud.CloudApi cloud) {
        return cloud.environment("default", "counted")
                .map(e -> e.status().equals("ready"))
                .orElse(false);
    }

    @Test
    void theMetricsOfADevCloudAfterADeployPassPromtool() throws Exception {
        Path promtool = requirePromtool();
        var spec = ((SpecResult.Valid) SpecParser.parse(DevCloudMetricsTest.SPEC)).spec();
        try (DevCloud cloud = DevCloud.start(Topologies.defaultDev(), dataDir, 1, "127.0.0.1", 0)) {
            try {
                var api = HttpApi.at(cloud.api().uri(), cloud.adminToken());
                cloud.cloud().create(spec);
                await().atMost(Duration.ofSeconds(30)).until(() -> ready(cloud.cloud()));
                api.get("/v1/environments/counted");
                api.get("/v1/environments/nothing-here");
                String scrape = api.get("/metrics").body();
                assertThat(scrape).contains("atoll_placement_seconds_bucket").contains("atoll_raft_term");

                assertPassesPromtool(promtool, "atoll dev", scrape);
            } finally {
                cloud.stopInstances();
            }
        }
    }

    @Test
    void theMetricsOfASiteProcessAndAnAgentProcessPassPromtool() throws Exception {
        Path promtool = requirePromtool();
        int base = dev.atoll.cli.testing.FreePorts.range(20);
        var output = new java.io.StringWriter();
        try (DevProcesses cloud = DevProcesses.start(
                Topologies.generated(1, 1),
                dataDir,
                "127.0.0.1",
                base + 10,
                base,
                false,
                new java.io.PrintWriter(output))) {
            var api = HttpApi.at(cloud.apis().getFirst(), cloud.adminToken());
            var sent = api.post(
                    "/v1/environments",
                    DevCloudMetricsTest.SPEC
                            .replace("minDomains: 3", "minDomains: 1")
                            .replace("replicas: 3", "replicas: 1"),
                    "application/yaml");
            assertThat(sent.status()).as(sent.body()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> api.get("/v1/environments/counted")
                    .json()
                    .path("status")
                    .asText()
                    .equals("ready"));
            var agent = java.util.regex.Pattern.compile("health, metrics and logs on (https://\\S+)")
                    .matcher(output.toString())
                    .results()
                    .map(m -> java.net.URI.create(m.group(1)))
                    .findFirst()
                    .orElseThrow();

            String site = api.get("/metrics").body();
            // The agent's port is HTTPS (atoll dev --processes runs TLS): a scraper trusts the cloud CA.
            String node = new HttpApi(
                            agent,
                            java.net.http.HttpClient.newBuilder()
                                    .sslContext(cloud.operatorTls())
                                    .build(),
                            null)
                    .get("/metrics")
                    .body();
            assertThat(site).contains("atoll_raft_commit_index").contains("atoll_offers_received_total");
            assertThat(node).contains("atoll_agent_instances").contains("atoll_agent_joined");

            assertPassesPromtool(promtool, "atoll site", site);
            assertPassesPromtool(promtool, "atoll agent", node);
        }
    }
}
