package dev.atoll.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.cli.Main;
import dev.atoll.model.json.AtollJson;
import dev.atoll.testhosts.JavaCommand;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `atoll site` and `atoll agent` as the operator runs them: they say what they do, serve /healthz
 * and Prometheus /metrics, and stop on SIGTERM.
 */
class SiteAndAgentProcessesTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A port whose next neighbour is free too (a site gossips on its wire port + 1). */
    private static int freePair() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freePort();
            try (ServerSocket next = new ServerSocket(port + 1)) {
                return port;
            } catch (java.io.IOException e) {
                // taken; try another
            }
        }
        throw new IllegalStateException("no two free neighbouring ports");
    }

    private Process start(Path log, String... args) throws Exception {
        Process p = new ProcessBuilder(JavaCommand.of(Main.class, args))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        started.add(p);
        return p;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSiteAndAnAgentServeHealthAndMetricsAndStopOnSigterm() throws Exception {
        int wire = freePair();
        int api = freePort();
        int agentHttp = freePort();
        Path siteLog = dir.resolve("site.log");
        Path agentLog = dir.resolve("agent.log");
        Process site = start(
                siteLog,
                "site",
                "--name",
                "london",
                "--lat",
                "51.5",
                "--lon",
                "-0.1",
                "--country",
                "GB",
                "--listen",
                "127.0.0.1:" + wire,
                "--api",
                "127.0.0.1:" + api,
                "--data-dir",
                dir.resolve("site").toString());
        Process agent = start(
                agentLog,
                "agent",
                "--site",
                "london",
                "--controller",
                "127.0.0.1:" + wire,
                "--name",
                "n1",
                "--capacity",
                "cpu=2,memory=2Gi",
                "--http",
                "127.0.0.1:" + agentHttp,
                "--data-dir",
                dir.resolve("n1").toString());

        await("the agent joined and both answer /healthz")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .until(() -> get("http://127.0.0.1:" + api + "/healthz").statusCode() == 200
                        && AtollJson.json()
                                .readTree(get("http://127.0.0.1:" + agentHttp + "/healthz")
                                        .body())
                                .path("joined")
                                .asBoolean());
        JsonNode agentHealth = AtollJson.json()
                .readTree(get("http://127.0.0.1:" + agentHttp + "/healthz").body());
        assertThat(agentHealth.path("status").asText()).isEqualTo("ok");
        assertThat(agentHealth.path("node").asText()).isEqualTo("london/n1");

        String siteMetrics = get("http://127.0.0.1:" + api + "/metrics").body();
        assertThat(siteMetrics)
                .contains("atoll_agents_joined 1.0")
                .contains("atoll_offers_total")
                .contains("atoll_gossip_members{site=\"london\"} 1.0")
                .contains("atoll_raft_leader{member=\"london-c1\",site=\"london\"} 1.0")
                .contains("atoll_offers_total{outcome=\"rejected\",reason=\"no-fit\",site=\"london\"} 0.0");
        String agentMetrics = get("http://127.0.0.1:" + agentHttp + "/metrics").body();
        assertThat(agentMetrics)
                .contains("atoll_agent_joined 1.0")
                .contains("atoll_agent_instances{driver=\"process\",node=\"london/n1\",state=\"running\"} 0.0")
                .contains("atoll_agent_instance_restarts_total{node=\"london/n1\"} 0.0");

        agent.destroy();
        site.destroy();
        assertThat(agent.waitFor(15, TimeUnit.SECONDS))
                .as("the agent stops on SIGTERM")
                .isTrue();
        assertThat(site.waitFor(15, TimeUnit.SECONDS))
                .as("the site stops on SIGTERM")
                .isTrue();
        assertThat(Files.readString(siteLog))
                .contains("atoll site london")
                .contains("wire on 127.0.0.1:" + wire)
                .contains("stopping")
                .doesNotContain("Exception");
        assertThat(Files.readString(agentLog))
                .contains("atoll agent london/n1")
                .contains("joining controller")
                .contains("stopping")
                .doesNotContain("Exception");
    }
}
