package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A deploy through the API is the root of a trace (or joins the caller's): the answer names it in
 * {@code traceresponse}, and {@code GET /v1/traces/{id}} shows its spans.
 */
class TracesTest {
    private final FakeCloud cloud = new FakeCloud();
    private ApiServer server;
    private Http http;

    private void start() {
        server = ApiServer.start(cloud, "127.0.0.1", 0);
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void aDeployNamesItsTraceWhoseApiSpanTheTracesRouteShows() {
        start();

        var created = http.post("/v1/environments", "application/yaml", SpecTexts.yaml("shop", 2));

        assertThat(created.statusCode()).isEqualTo(201);
        String traceresponse = created.headers().firstValue("traceresponse").orElseThrow();
        assertThat(traceresponse).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        String traceId = traceresponse.substring(3, 35);
        var trace = http.get("/v1/traces/" + traceId);
        assertThat(trace.statusCode()).isEqualTo(200);
        var spans = Http.json(trace).path("spans");
        assertThat(spans).hasSize(1);
        assertThat(spans.get(0).path("name").asText()).isEqualTo("atoll.deploy");
        assertThat(spans.get(0).path("parentSpanId").isMissingNode()).isTrue();
        assertThat(spans.get(0).path("attributes").path("atoll.tenant").asText())
                .isEqualTo("default");
        assertThat(spans.get(0)
                        .path("attributes")
                        .path("http.response.status_code")
                        .asText())
                .isEqualTo("201");
    }

    @Test
    void aDeployJoinsTheTraceOfACallerThatSendsATraceparent() {
        start();

        var scaled = http.send(http.request("/v1/environments/shop/services/web/scale")
                .header("Content-Type", "application/json")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"replicas\": 3}")));

        assertThat(scaled.headers().firstValue("traceresponse").orElseThrow())
                .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
        var span = Http.json(http.get("/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736"))
                .path("spans")
                .get(0);
        assertThat(span.path("parentSpanId").asText()).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void anotherTenantsTraceIsNotFound() {
        start();
        var created = http.post("/v1/environments", "application/yaml", SpecTexts.yaml("shop", 2));
        String traceId =
                created.headers().firstValue("traceresponse").orElseThrow().substring(3, 35);

        var asAcme = http.as(TestTokens.create(cloud, "acme", dev.atoll.model.auth.Role.VIEWER))
                .get("/v1/traces/" + traceId);

        assertThat(asAcme.statusCode()).isEqualTo(404);
        assertThat(http.get("/v1/traces/" + traceId).statusCode()).isEqualTo(200);
    }

    @Test
    void aTraceIdThatIsNotOneIsABadRequestNamingTheFieldAndAnUnknownOneIsNotFound() {
        start();

        var bad = http.get("/v1/traces/xyz");
        var unknown = http.get("/v1/traces/" + "1".repeat(32));

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Http.contentType(bad)).startsWith("application/problem+json");
        assertThat(Http.json(bad).path("detail").asText()).startsWith("id:");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Http.contentType(unknown)).startsWith("application/problem+json");
    }
}
