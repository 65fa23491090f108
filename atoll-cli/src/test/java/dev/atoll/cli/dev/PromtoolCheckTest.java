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

    @Test
    void theMetricsOfADevCloudAfterADeployPassPromtool() throws Exception {
        Optional<Path> promtool = promtool();
        if (promtool.isEmpty()) {
            // As root (CI) scripts/install-test-deps installs it: missing there is a failure.
            assertThat(root())
                    .as("promtool is missing: run scripts/install-test-deps (Debian package prometheus)")
                    .isFalse();
            Assumptions.abort("promtool is not installed (Debian package prometheus) and we are not root to"
                    + " install it: scripts/install-test-deps as root does");
        }
        var spec = ((SpecResult.Valid) SpecParser.parse(DevCloudMetricsTest.SPEC)).spec();
        try (DevCloud cloud = DevCloud.start(Topologies.defaultDev(), dataDir, 1, "127.0.0.1", 0)) {
            try {
                var api = HttpApi.at(cloud.api().uri());
                cloud.cloud().create(spec);
                await().atMost(Duration.ofSeconds(30)).until(() -> cloud.cloud()
                        .environment("default", "counted")
                        .map(e -> e.status().equals("ready"))
                        .orElse(false));
                api.get("/v1/environments/counted");
                api.get("/v1/environments/nothing-here");
                String scrape = api.get("/metrics").body();
                assertThat(scrape).contains("atoll_placement_seconds_bucket").contains("atoll_raft_term");

                Process check = new ProcessBuilder(promtool.get().toString(), "check", "metrics")
                        .redirectErrorStream(true)
                        .start();
                try (var in = check.getOutputStream()) {
                    in.write(scrape.getBytes(StandardCharsets.UTF_8));
                }
                String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(check.exitValue())
                        .as("promtool check metrics said:%n%s", said)
                        .isZero();
            } finally {
                cloud.stopInstances();
            }
        }
    }
}
