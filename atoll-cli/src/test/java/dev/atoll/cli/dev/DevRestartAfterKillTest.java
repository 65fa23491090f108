package dev.atoll.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `atoll dev` as a real OS process, killed with SIGKILL and started again on the same data dir:
 * nothing acknowledged is lost, placement stays, live instances are re-adopted, dead ones restarted.
 */
class DevRestartAfterKillTest {
    @TempDir
    Path dataDir;

    private final List<Process> started = new ArrayList<>();
    private HttpApi api;

    @AfterEach
    void stopEverything() throws Exception {
        if (api != null) {
            try {
                api.delete("/v1/environments/hello");
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> api.get("/v1/environments/hello").status() == 404);
            } catch (Throwable e) {
                // the process may be gone already; the shutdown hook below stops the instances
            }
        }
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    private Process startDev(int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.atoll.cli.Main",
                        "dev",
                        "--port",
                        Integer.toString(port),
                        "--data-dir",
                        dataDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + "-dev.log")
                        .toFile());
        // Its token goes beside the data dir, not into the home of whoever runs the tests.
        builder.environment()
                .put(
                        dev.atoll.cli.client.Credentials.FILE_VARIABLE,
                        dataDir.resolveSibling(dataDir.getFileName() + "-credentials.json")
                                .toString());
        Process p = builder.start();
        started.add(p);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> HttpApi.at(URI.create("http://127.0.0.1:" + port))
                                        .get("/healthz")
                                        .status()
                                == 200
                        && dev.atoll.cli.site.AdminToken.read(dataDir.resolve("admin-token"))
                                .isPresent());
        // atoll dev keeps its admin token in the data dir, the same across restarts.
        String token = dev.atoll.cli.site.AdminToken.read(dataDir.resolve("admin-token"))
                .orElseThrow();
        api = HttpApi.at(URI.create("http://127.0.0.1:" + port), token);
        // Where the atoll command finds it for this server, without being told.
        var credentials = new dev.atoll.cli.client.Credentials(
                dataDir.resolveSibling(dataDir.getFileName() + "-credentials.json"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> token.equals(credentials
                        .tokenFor(URI.create("http://127.0.0.1:" + port))
                        .orElse(null)));
        return p;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private record Where(String site, String node, long pid) {}

    private Map<String, Where> placement() {
        Map<String, Where> result = new HashMap<>();
        for (JsonNode i : api.get("/v1/instances?environment=hello").json()) {
            result.put(
                    i.path("id").asText(),
                    new Where(
                            i.path("site").asText(),
                            i.path("node").asText(),
                            i.path("pid").asLong()));
        }
        return result;
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/v1/environments/hello")
                        .json()
                        .path("status")
                        .asText()
                        .equals("ready"));
    }

    @Test
    void killedDevProcessComesBackWithEveryEnvironmentAndItsRunningInstances() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is needed as the HTTP server");
        int port = freePort();
        Process first = startDev(port);
        var created = api.post("/v1/environments", DevCloudEndToEndTest.HELLO.formatted("one"), "application/yaml");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        awaitReady();
        Map<String, Where> before = placement();

        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String deadWhileDown = before.keySet().iterator().next();
        ProcessHandle.of(before.get(deadWhileDown).pid()).ifPresent(ProcessHandle::destroyForcibly);
        startDev(port);
        awaitReady();

        Map<String, Where> after = placement();
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((id, where) -> {
            assertThat(after.get(id).site()).as(id).isEqualTo(where.site());
            assertThat(after.get(id).node()).as(id).isEqualTo(where.node());
            if (id.equals(deadWhileDown)) {
                assertThat(after.get(id).pid())
                        .as("%s was killed while atoll dev was down", id)
                        .isNotEqualTo(where.pid());
            } else {
                assertThat(after.get(id).pid())
                        .as("%s kept running and was re-adopted", id)
                        .isEqualTo(where.pid());
            }
        });
    }
}
