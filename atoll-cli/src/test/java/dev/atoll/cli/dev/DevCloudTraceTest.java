package dev.atoll.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.model.topology.Topologies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy is one trace: the API's span, the home site deciding each replica's placement, the offer
 * each target site answered, and every instance start at an agent, all under the trace id the API
 * names in its {@code traceresponse} header, and shown by {@code GET /v1/traces/{id}}.
 */
class DevCloudTraceTest {
    @TempDir
    Path dataDir;

    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    @Test
    void aDeployIsOneTraceFromTheApiThroughTheHomeAndTheOtherSitesToEveryInstanceStart() throws Exception {
        try (DevCloud cloud = DevCloud.start(Topologies.defaultDev(), dataDir, 1, "127.0.0.1", 0)) {
            try {
                URI api = cloud.api().uri();
                HttpClient http = HttpClient.newHttpClient();
                // Given a caller that traces its own work, when it deploys three replicas, one per site
                var deployed = http.send(
                        HttpRequest.newBuilder(api.resolve("/v1/environments"))
                                .header("Content-Type", "application/yaml")
                                .header("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01")
                                .header("Authorization", "Bearer " + cloud.adminToken())
                                .POST(HttpRequest.BodyPublishers.ofString(DevCloudMetricsTest.SPEC))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);

                // Then the answer names the caller's trace
                String traceresponse =
                        deployed.headers().firstValue("traceresponse").orElseThrow();
                assertThat(traceresponse).startsWith("00-" + CALLER_TRACE + "-");

                // And once every instance runs, the trace holds every step of the deploy
                var api2 = HttpApi.at(api, cloud.adminToken());
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    var answer = api2.get("/v1/traces/" + CALLER_TRACE);
                    return answer.status() == 200
                            && named(answer.json(), "atoll.instance.start").size() == 3;
                });
                JsonNode trace = api2.get("/v1/traces/" + CALLER_TRACE).json();
                assertThat(trace.path("spans"))
                        .allSatisfy(s -> assertThat(s.path("traceId").asText()).isEqualTo(CALLER_TRACE));

                List<JsonNode> deploys = named(trace, "atoll.deploy");
                assertThat(deploys).hasSize(1);
                JsonNode deploy = deploys.getFirst();
                assertThat(deploy.path("parentSpanId").asText()).isEqualTo(CALLER_SPAN);
                assertThat(deploy.path("kind").asText()).isEqualTo("server");

                // The home decided three placements under the API's span
                List<JsonNode> places = named(trace, "atoll.place");
                assertThat(places).hasSize(3).allSatisfy(p -> assertThat(
                                p.path("parentSpanId").asText())
                        .isEqualTo(deploy.path("spanId").asText()));
                Set<String> home = attribute(places, "atoll.site");
                assertThat(home).hasSize(1);

                // Each target site answered its offer under a placement, the other sites among them
                List<JsonNode> offers = named(trace, "atoll.offer");
                Set<String> placeIds = ids(places);
                assertThat(offers).hasSize(3).allSatisfy(o -> {
                    assertThat(placeIds).contains(o.path("parentSpanId").asText());
                    assertThat(o.path("status").asText()).isEqualTo("unset");
                });
                assertThat(attribute(offers, "atoll.site"))
                        .containsExactlyInAnyOrder("london", "frankfurt", "new-york");

                // And each replica's start at its agent hangs under the offer that put it there
                List<JsonNode> starts = named(trace, "atoll.instance.start");
                Set<String> offerIds = ids(offers);
                assertThat(starts).allSatisfy(s -> assertThat(offerIds)
                        .contains(s.path("parentSpanId").asText()));
                assertThat(attribute(starts, "atoll.site"))
                        .containsExactlyInAnyOrder("london", "frankfurt", "new-york");
                assertThat(attribute(starts, "atoll.driver")).containsExactly("process");
            } finally {
                cloud.stopInstances();
            }
        }
    }

    @Test
    void aTraceIdThatIsNotOneIsABadRequestAndAnUnknownOneIsNotFound() throws Exception {
        try (DevCloud cloud = DevCloud.start(Topologies.defaultDev(), dataDir, 1, "127.0.0.1", 0)) {
            var api = HttpApi.at(cloud.api().uri(), cloud.adminToken());

            var bad = api.get("/v1/traces/not-a-trace");
            var unknown = api.get("/v1/traces/" + "0".repeat(31) + "1");

            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.contentType()).startsWith("application/problem+json");
            assertThat(bad.json().path("detail").asText()
                            + bad.json().path("title").asText())
                    .contains("id");
            assertThat(unknown.status()).isEqualTo(404);
        }
    }

    private static List<JsonNode> named(JsonNode trace, String name) {
        List<JsonNode> spans = new ArrayList<>();
        trace.path("spans").forEach(s -> {
            if (s.path("name").asText().equals(name)) spans.add(s);
        });
        return spans;
    }

    private static Set<String> attribute(List<JsonNode> spans, String key) {
        return spans.stream().map(s -> s.path("attributes").path(key).asText()).collect(Collectors.toSet());
    }

    private static Set<String> ids(List<JsonNode> spans) {
        return spans.stream().map(s -> s.path("spanId").asText()).collect(Collectors.toSet());
    }
}
