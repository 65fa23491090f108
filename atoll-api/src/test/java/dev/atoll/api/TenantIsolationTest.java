package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.model.auth.BearerTokens;
import dev.atoll.model.auth.Role;
import dev.atoll.model.view.NetworkView;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every route, asked by an admin of tenant globex about what tenant acme owns: acme's things do
 * not exist for globex (404, never 403: that would say they exist), lists leave them out, and
 * nothing of acme changes. The table of probes must cover every route the server registers, so a
 * new route without a probe fails here.
 */
class TenantIsolationTest {
    private final FakeCloud cloud = new FakeCloud();
    private ApiServer server;
    private Http acme;
    private Http globex;
    private String acmeTokenId;
    private String acmeTrace;

    @BeforeEach
    void givenTwoTenantsAndAcmesEnvironmentNetworkLogAndEvents() {
        cloud.withEnvironment(Specs.anEnvironment("shop", "acme", Specs.aService("web", 2)))
                .withLog("acme", "shop.web.0", "acme's secret log\n")
                .withNetwork(new NetworkView(
                        "acme",
                        "backend",
                        4242,
                        "100.64.16.0/20",
                        List.of("london"),
                        List.of(new NetworkView.Member("shop.web.0", "london", "n1", "100.64.16.2", "running"))));
        cloud.publish("environment-created", "shop", "acme");
        cloud.publish("node-registered", null, null);
        cloud.withPlan(new dev.atoll.model.view.PlanView(
                "london",
                java.time.Instant.parse("2026-12-07T02:00:00Z"),
                false,
                0,
                List.of(new dev.atoll.model.view.PlanView.PlannedMove(
                        1, "acme", "shop", "shop.web.0", "london/n1", "london/n2")),
                "acme's plan report"));
        server = ApiServer.start(cloud, "127.0.0.1", 0);
        String acmeToken = TestTokens.create(cloud, "acme", Role.ADMIN);
        acmeTokenId = BearerTokens.parse(acmeToken).orElseThrow().id();
        acme = new Http(server.uri(), acmeToken);
        globex = new Http(server.uri(), TestTokens.create(cloud, "globex", Role.ADMIN));
        // Something in acme's audit log, and a trace of acme's.
        acmeTrace = acme.post("/v1/environments/shop/services/web/scale", "application/json", "{\"replicas\": 2}")
                .headers()
                .firstValue("traceresponse")
                .orElseThrow()
                .split("-")[1];
        cloud.reset();
        cloud.withEnvironment(Specs.anEnvironment("shop", "acme", Specs.aService("web", 2)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Map<ApiServer.Route, Consumer<Http>> probes() {
        Map<ApiServer.Route, Consumer<Http>> probes = new LinkedHashMap<>();
        // Public: no tenant's data.
        probes.put(get("/healthz"), h -> assertThat(h.as(null).get("/healthz").statusCode())
                .isEqualTo(200));
        probes.put(get("/metrics"), h -> assertThat(h.as(null).get("/metrics").statusCode())
                .isEqualTo(200));
        probes.put(
                get("/v1/openapi.json"),
                h -> assertThat(h.as(null).get("/v1/openapi.json").statusCode()).isEqualTo(200));
        // Shared machinery: every tenant sees the sites and nodes, and nothing of a tenant is in them.
        probes.put(get("/v1/sites"), h -> assertThat(h.get("/v1/sites").body()).doesNotContain("acme", "shop"));
        probes.put(get("/v1/nodes"), h -> assertThat(h.get("/v1/nodes").body()).doesNotContain("acme", "shop"));
        probes.put(get("/v1/environments"), h -> {
            assertThat(json(h.get("/v1/environments"))).isEmpty();
            assertForbidden(h.get("/v1/environments?tenant=acme"));
        });
        probes.put(post("/v1/environments"), h -> {
            String acmeSpec = SpecTexts.yaml("shop", 1).replace("  name: shop\n", "  name: shop\n  tenant: acme\n");
            assertForbidden(h.post("/v1/environments", "application/yaml", acmeSpec));
            assertThat(h.post("/v1/environments?tenant=acme", "application/yaml", SpecTexts.yaml("shop", 1))
                            .statusCode())
                    .isEqualTo(403);
            // What it deploys lands in its own tenant.
            assertThat(h.post("/v1/environments", "application/yaml", SpecTexts.yaml("mine", 1))
                            .statusCode())
                    .isEqualTo(201);
            assertThat(cloud.changes()).containsExactly("create globex/mine");
        });
        probes.put(get("/v1/environments/{name}"), h -> assertNotFound(h.get("/v1/environments/shop")));
        probes.put(put("/v1/environments/{name}"), h -> {
            String acmeSpec = SpecTexts.yaml("shop", 5).replace("  name: shop\n", "  name: shop\n  tenant: acme\n");
            assertForbidden(h.put("/v1/environments/shop", "application/yaml", acmeSpec));
            assertThat(cloud.changes()).noneMatch(c -> c.contains("acme/"));
        });
        probes.put(delete("/v1/environments/{name}"), h -> assertNotFound(h.delete("/v1/environments/shop")));
        probes.put(
                post("/v1/environments/{name}/services/{service}/scale"),
                h -> assertNotFound(
                        h.post("/v1/environments/shop/services/web/scale", "application/json", "{\"replicas\": 9}")));
        probes.put(post("/v1/environments/{name}/instances/{instance}/move"), h -> {
            assertNotFound(h.post(
                    "/v1/environments/shop/instances/web.0/move", "application/json", "{\"to\": \"frankfurt\"}"));
            assertThat(cloud.changes()).noneMatch(c -> c.contains("acme/"));
        });
        // Nodes are shared machinery: only the cloud admin drains them; a tenant's admin is refused.
        probes.put(
                post("/v1/sites/{site}/nodes/{node}/drain"),
                h -> assertForbidden(h.post("/v1/sites/london/nodes/london-n1/drain", "application/json", "{}")));
        probes.put(
                delete("/v1/sites/{site}/nodes/{node}/drain"),
                h -> assertForbidden(h.delete("/v1/sites/london/nodes/london-n1/drain")));
        // A site's plan moves every tenant's instances: a tenant sees only its own moves, no report.
        probes.put(get("/v1/plans"), h -> {
            var plans = json(h.get("/v1/plans"));
            assertThat(plans).hasSize(1);
            assertThat(plans.get(0).get("moves")).isEmpty();
            assertThat(plans.toString()).doesNotContain("acme", "shop");
            assertForbidden(h.get("/v1/plans?tenant=acme"));
        });
        probes.put(post("/v1/plans/{site}/apply"), h -> {
            assertForbidden(h.post("/v1/plans/london/apply", "application/json", "{}"));
            assertThat(cloud.changes()).noneMatch(c -> c.startsWith("apply plan"));
        });
        probes.put(
                get("/v1/instances"),
                h -> assertThat(json(h.get("/v1/instances")).toString()).doesNotContain("shop", "acme"));
        probes.put(get("/v1/instances/{id}/logs"), h -> {
            var log = h.get("/v1/instances/shop.web.0/logs");
            assertNotFound(log);
            assertThat(log.body()).doesNotContain("secret");
        });
        probes.put(get("/v1/events"), h -> {
            var events = h.get("/v1/events?watch=false");
            assertThat(events.body()).contains("node-registered").doesNotContain("environment-created");
        });
        probes.put(get("/v1/networks"), h -> assertThat(json(h.get("/v1/networks")))
                .isEmpty());
        probes.put(get("/v1/networks/{name}"), h -> assertNotFound(h.get("/v1/networks/backend")));
        probes.put(get("/v1/images"), h -> assertThat(json(h.get("/v1/images"))).isEmpty());
        probes.put(post("/v1/images"), h -> {
            // Importing is the caller's own: nothing of acme's is named or changed.
            assertForbidden(h.post("/v1/images?tenant=acme", "application/x-tar", "not an archive"));
        });
        probes.put(post("/v1/environments/preview"), h -> {
            // Acme's environment of the same name is not the caller's: it previews a new one of its own.
            var preview = h.post("/v1/environments/preview", "application/yaml", SpecTexts.yaml("shop", 2));
            assertThat(preview.statusCode()).isEqualTo(200);
            assertThat(cloud.previewed()).allMatch(spec -> spec.tenant().equals("globex"));
            assertForbidden(h.post(
                    "/v1/environments/preview",
                    "application/yaml",
                    SpecTexts.yaml("shop", 2).replace("name: shop", "name: shop\n  tenant: acme")));
        });
        probes.put(
                post("/v1/environments/{name}/services/{service}/restart"),
                h -> assertNotFound(h.post("/v1/environments/shop/services/web/restart", "application/json", "{}")));
        probes.put(get("/v1/links"), h -> assertThat(h.get("/v1/links").body()).doesNotContain("acme", "shop"));
        probes.put(get("/v1/traces/{id}"), h -> {
            assertThat(acme.get("/v1/traces/" + acmeTrace).statusCode()).isEqualTo(200);
            assertNotFound(h.get("/v1/traces/" + acmeTrace));
        });
        probes.put(get("/v1/whoami"), h -> assertThat(
                        json(h.get("/v1/whoami")).path("tenant").asText())
                .isEqualTo("globex"));
        probes.put(
                get("/v1/tenants"), h -> assertThat(h.get("/v1/tenants").body()).doesNotContain("acme"));
        probes.put(
                post("/v1/tenants"),
                h -> assertForbidden(h.post("/v1/tenants", "application/json", "{\"name\": \"acme2\"}")));
        // Join tokens let a process into the cloud: a cloud admin's alone.
        probes.put(
                post("/v1/join-tokens"),
                h -> assertForbidden(h.post("/v1/join-tokens", "application/json", "{\"for\": \"site\"}")));
        probes.put(get("/v1/tokens"), h -> {
            assertNotFound(h.get("/v1/tokens?tenant=acme"));
            assertThat(h.get("/v1/tokens").body()).doesNotContain(acmeTokenId);
        });
        probes.put(post("/v1/tokens"), h -> {
            assertNotFound(h.post("/v1/tokens", "application/json", "{\"tenant\": \"acme\", \"role\": \"admin\"}"));
            assertThat(cloud.authRecords().tokensOf("acme")).hasSize(1);
        });
        probes.put(delete("/v1/tokens/{id}"), h -> {
            assertNotFound(h.delete("/v1/tokens/" + acmeTokenId));
            assertThat(acme.get("/v1/whoami").statusCode()).isEqualTo(200);
        });
        probes.put(get("/v1/audit"), h -> {
            assertForbidden(h.get("/v1/audit?tenant=acme"));
            assertThat(json(h.get("/v1/audit")).findValuesAsText("tenant")).containsOnly("globex");
        });
        // Outside /v1 only public files are served (the console): whatever is there shows no tenant's data.
        for (var route : server.routes()) {
            if (route.path().startsWith("/v1/")
                    || probes.containsKey(route)
                    || !route.method().equals("GET")) continue;
            String path = route.path().replaceAll("\\{[^}]+}", "x").replace("*", "x");
            probes.put(route, h -> {
                var response = h.as(null).get(path);
                assertThat(response.statusCode()).as(path).isLessThan(500);
                assertThat(response.body()).as(path).doesNotContain("acme", "secret");
            });
        }
        return probes;
    }

    @Test
    void everyRegisteredRouteHasACrossTenantProbe() {
        assertThat(probes().keySet()).containsAll(server.routes());
    }

    @Test
    void anotherTenantsThingsDoNotExistForACallerAndNothingOfThemChanges() {
        for (var probe : probes().entrySet()) {
            try {
                probe.getValue().accept(globex);
            } catch (AssertionError e) {
                throw new AssertionError(probe.getKey() + ": " + e.getMessage(), e);
            }
            assertThat(cloud.changes()).as("%s", probe.getKey()).noneMatch(c -> c.contains("acme/"));
        }
        // acme still has all it had.
        assertThat(json(acme.get("/v1/environments")).get(0).path("name").asText())
                .isEqualTo("shop");
        assertThat(acme.get("/v1/instances/shop.web.0/logs").body()).contains("secret");
        assertThat(json(acme.get("/v1/networks"))).hasSize(1);
        assertThat(acme.get("/v1/events?watch=false").body()).contains("environment-created");
        assertThat(acme.get("/v1/audit").body()).contains("/v1/environments/shop/services/web/scale");
    }

    private static void assertNotFound(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(404);
        assertThat(Http.contentType(response)).startsWith("application/problem+json");
        assertThat(response.body()).doesNotContain("forbidden", "Forbidden");
    }

    private static void assertForbidden(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(403);
        assertThat(Http.contentType(response)).startsWith("application/problem+json");
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(200);
        return Http.json(response);
    }

    private static ApiServer.Route get(String path) {
        return new ApiServer.Route("GET", path);
    }

    private static ApiServer.Route post(String path) {
        return new ApiServer.Route("POST", path);
    }

    private static ApiServer.Route put(String path) {
        return new ApiServer.Route("PUT", path);
    }

    private static ApiServer.Route delete(String path) {
        return new ApiServer.Route("DELETE", path);
    }
}
