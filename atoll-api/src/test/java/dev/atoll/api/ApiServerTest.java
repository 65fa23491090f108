package dev.atoll.api;

import static dev.atoll.api.Http.contentType;
import static dev.atoll.api.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiServerTest {
    private final FakeCloud cloud = new FakeCloud();
    private ApiServer server;
    private Http http;

    private void startWith(Function<String, SpecResult> reader) {
        server = ApiServer.start(cloud, "127.0.0.1", 0, ApiOptions.defaults().withSpecReader(reader));
        http = new Http(server.uri());
    }

    private void start() {
        startWith(SpecParser::parse);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(contentType(response)).startsWith("application/problem+json");
        JsonNode body = json(response);
        assertThat(body.path("type").asText()).isEqualTo("about:blank");
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asText()).isNotBlank();
        assertThat(body.path("detail").asText()).isNotBlank();
    }

    private static List<String> errorPaths(HttpResponse<String> response) {
        var paths = new ArrayList<String>();
        json(response).path("errors").forEach(e -> paths.add(e.path("path").asText()));
        return paths;
    }

    private static List<String> names(JsonNode array) {
        var names = new ArrayList<String>();
        array.forEach(e -> names.add(e.path("name").asText()));
        return names;
    }

    @Nested
    class Reading {
        @Test
        void healthzSaysOk() {
            start();
            var response = http.get("/healthz");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).path("status").asText()).isEqualTo("ok");
        }

        @Test
        void listsSites() {
            start();
            var response = http.get("/v1/sites");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(contentType(response)).startsWith("application/json");
            assertThat(names(json(response))).containsExactly("london", "frankfurt");
            assertThat(json(response).get(0).path("capacity").path("cpuMillis").asLong())
                    .isEqualTo(4000);
        }

        @Test
        void listsNodesOfOneSite() {
            start();
            var all = json(http.get("/v1/nodes"));
            var frankfurt = json(http.get("/v1/nodes?site=frankfurt"));
            assertThat(all).hasSize(2);
            assertThat(frankfurt).hasSize(1);
            assertThat(frankfurt.get(0).path("name").asText()).isEqualTo("frankfurt-n1");
        }

        @Test
        void listsEnvironmentsOfTheTenantWithTheSpecInTheUsersFormat() {
            cloud.withEnvironment(Specs.anEnvironment("shop", 2))
                    .withEnvironment(Specs.anEnvironment("blog", "acme", Specs.aService("web", 1)));
            start();
            var response = http.get("/v1/environments");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode list = json(response);
            assertThat(list).hasSize(1);
            assertThat(list.get(0).path("name").asText()).isEqualTo("shop");
            assertThat(list.get(0).path("spec").path("apiVersion").asText()).isEqualTo("atoll/v1");
            assertThat(list.get(0)
                            .path("spec")
                            .path("spec")
                            .path("services")
                            .path("web")
                            .path("replicas")
                            .asInt())
                    .isEqualTo(2);
            assertThat(list.get(0).path("createdAt").asText()).isEqualTo("2025-01-01T00:00:00Z");
            var acme = http.as(TestTokens.create(cloud, "acme", dev.atoll.model.auth.Role.VIEWER));
            assertThat(names(json(acme.get("/v1/environments")))).containsExactly("blog");
            assertThat(names(json(acme.get("/v1/environments?tenant=acme")))).containsExactly("blog");
        }

        @Test
        void listsATenantsNetworksAndGetsOneOr404WithoutShowingAnotherTenants() {
            var member =
                    new dev.atoll.model.view.NetworkView.Member("kv.web.0", "london", "n1", "100.64.16.2", "running");
            cloud.withNetwork(new dev.atoll.model.view.NetworkView(
                    "acme", "backend", 4242, "100.64.16.0/20", List.of("london"), List.of(member)));
            cloud.withNetwork(new dev.atoll.model.view.NetworkView(
                    "globex", "secret", 7, "100.65.0.0/20", List.of("paris"), List.of()));
            start();

            var acme = http.as(TestTokens.create(cloud, "acme", dev.atoll.model.auth.Role.VIEWER));
            var list = json(acme.get("/v1/networks"));
            assertThat(list).hasSize(1);
            assertThat(list.get(0).path("subnet").asText()).isEqualTo("100.64.16.0/20");
            var one = acme.get("/v1/networks/backend");
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(json(one).path("members").get(0).path("address").asText())
                    .isEqualTo("100.64.16.2");
            var missing = acme.get("/v1/networks/secret");
            assertProblem(missing, 404);
            assertThat(json(missing).path("detail").asText()).contains("no network secret");
        }

        @Test
        void getsOneEnvironmentOr404() {
            cloud.withEnvironment(Specs.anEnvironment("shop", 2));
            start();
            var found = http.get("/v1/environments/shop");
            assertThat(found.statusCode()).isEqualTo(200);
            assertThat(json(found).path("version").asLong()).isEqualTo(1);
            assertThat(json(found).path("services").get(0).path("desired").asInt())
                    .isEqualTo(2);
            var missing = http.get("/v1/environments/nope");
            assertProblem(missing, 404);
            assertThat(json(missing).path("detail").asText()).contains("nope");
            assertThat(json(missing).has("errors")).isFalse();
        }

        @Test
        void listsInstancesWithTheirWireFieldsFilteredByEnvironmentAndSite() {
            cloud.withEnvironment(Specs.anEnvironment("shop", 3)).withEnvironment(Specs.anEnvironment("blog", 1));
            start();
            JsonNode all = json(http.get("/v1/instances"));
            assertThat(all).hasSize(4);
            JsonNode shopInLondon = json(http.get("/v1/instances?environment=shop&site=london"));
            assertThat(shopInLondon.findValuesAsText("id")).containsExactly("shop.web.0", "shop.web.2");
            JsonNode one = shopInLondon.get(0);
            assertThat(one.path("state").asText()).isEqualTo("running");
            assertThat(one.path("ports").path("http").asInt()).isEqualTo(20000);
            assertThat(one.path("pid").asLong()).isEqualTo(100);
            assertThat(one.path("startedAt").asText()).isEqualTo("2025-01-01T00:00:00Z");
            for (String field :
                    List.of("id", "environment", "service", "site", "node", "state", "generation", "message")) {
                assertThat(one.has(field)).as(field).isTrue();
            }
        }
    }

    @Nested
    class Creating {
        @ParameterizedTest
        @ValueSource(strings = {"application/yaml", "application/x-yaml", "text/yaml", "text/plain", ""})
        void postOfAYamlSpecCreatesIt(String contentType) {
            start();
            var response = http.post(
                    "/v1/environments", contentType.isEmpty() ? null : contentType, SpecTexts.yaml("shop", 2));
            assertThat(response.statusCode()).isEqualTo(201);
            JsonNode body = json(response);
            assertThat(body.path("outcome").asText()).isEqualTo("created");
            assertThat(body.path("changedServices").get(0).asText()).isEqualTo("web");
            assertThat(body.path("environment").path("name").asText()).isEqualTo("shop");
            assertThat(body.path("environment").path("spec").path("kind").asText())
                    .isEqualTo("Environment");
            assertThat(cloud.changes()).containsExactly("create default/shop");
        }

        @Test
        void postOfAJsonSpecCreatesIt() {
            start();
            var response = http.post("/v1/environments", "application/json", SpecTexts.json("shop", 2));
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(cloud.changes()).containsExactly("create default/shop");
        }

        @Test
        void secondPostOfTheSameNameIsAConflict() {
            start();
            http.post("/v1/environments", "application/yaml", SpecTexts.yaml("shop", 2));
            var second = http.post("/v1/environments", "application/yaml", SpecTexts.yaml("shop", 3));
            assertProblem(second, 409);
            assertThat(json(second).path("detail").asText()).contains("shop");
        }

        @Test
        void aCreateTheCloudCannotMakeSafeIsA503NamingWhy() {
            start();
            cloud.unavailable("environment shop is committed at site london but not acknowledged: no other site"
                    + " is reachable to keep a copy of it");
            var response = http.post("/v1/environments", "application/yaml", SpecTexts.yaml("shop", 2));
            assertProblem(response, 503);
            assertThat(json(response).path("detail").asText()).contains("not acknowledged");
        }

        @Test
        void theTokensTenantTakesASpecThatNamesNoTenant() {
            start();
            var acme = http.as(TestTokens.create(cloud, "acme", dev.atoll.model.auth.Role.DEPLOYER));
            var response = acme.post("/v1/environments", "application/yaml", SpecTexts.yaml("shop", 1));
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(json(response).path("environment").path("tenant").asText())
                    .isEqualTo("acme");
            assertThat(cloud.changes()).containsExactly("create acme/shop");
        }

        @Test
        void aSpecOfAnotherTenantThanTheTokensIsForbiddenNamingMetadataTenant() {
            start();
            var acme = http.as(TestTokens.create(cloud, "acme", dev.atoll.model.auth.Role.DEPLOYER));
            String spec = SpecTexts.yaml("shop", 1).replace("  name: shop\n", "  name: shop\n  tenant: beta\n");
            var response = acme.post("/v1/environments", "application/yaml", spec);
            assertProblem(response, 403);
            assertThat(errorPaths(response)).containsExactly("metadata.tenant");
            assertThat(cloud.changes()).isEmpty();
        }

        @Test
        void anInvalidSpecIs400WithEveryFieldErrorAndNothingChanges() {
            var errors = List.of(
                    new FieldError("spec.services.web.replicas", "must be between 0 and 1000"),
                    new FieldError("spec.services.web.resources.memory", "\"12Zi\" is not a quantity"),
                    new FieldError("metadata.name", "must be a DNS label"));
            startWith(text -> new SpecResult.Invalid(errors));
            var response = http.post("/v1/environments", "application/yaml", "whatever");
            assertProblem(response, 400);
            assertThat(errorPaths(response))
                    .containsExactly(
                            "spec.services.web.replicas", "spec.services.web.resources.memory", "metadata.name");
            assertThat(json(response).path("errors").get(0).path("reason").asText())
                    .isEqualTo("must be between 0 and 1000");
            assertThat(json(response).path("detail").asText()).contains("spec.services.web.replicas");
            assertThat(cloud.changes()).isEmpty();
        }

        @Test
        void aSpecTheCloudRejectsIs400WithItsErrors() {
            start();
            var response = http.post(
                    "/v1/environments",
                    "application/yaml",
                    SpecTexts.yaml("shop", 1).replace("driver: process", "driver: oci"));
            assertProblem(response, 400);
            // An oci service must name its image.
            assertThat(errorPaths(response)).containsExactly("spec.services.web.image");
            assertThat(DriverKind.OCI.wireName()).isEqualTo("oci");
        }

        @Test
        void malformedYamlIs400() {
            start();
            var response = http.post("/v1/environments", "application/yaml", "apiVersion: [unclosed");
            assertProblem(response, 400);
            assertThat(cloud.changes()).isEmpty();
        }
    }

    @Nested
    class Putting {
        @Test
        void putOfANewNameCreatesIt() {
            start();
            var response = http.put("/v1/environments/shop", "application/yaml", SpecTexts.yaml("shop", 2));
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(json(response).path("outcome").asText()).isEqualTo("created");
        }

        @Test
        void putOfAChangedSpecUpdatesItAndNamesTheChangedServices() {
            cloud.withEnvironment(Specs.anEnvironment("shop", 2));
            start();
            var response = http.put("/v1/environments/shop", "application/yaml", SpecTexts.yaml("shop", 5));
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.path("outcome").asText()).isEqualTo("updated");
            assertThat(body.path("changedServices").get(0).asText()).isEqualTo("web");
            assertThat(body.path("environment").path("version").asLong()).isEqualTo(2);
            assertThat(cloud.changes()).containsExactly("update default/shop");
        }

        @Test
        void putOfAnIdenticalSpecChangesNothing() {
            start();
            http.put("/v1/environments/shop", "application/json", SpecTexts.json("shop", 2));
            var again = http.put("/v1/environments/shop", "application/json", SpecTexts.json("shop", 2));
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(json(again).path("outcome").asText()).isEqualTo("unchanged");
            assertThat(json(again).path("changedServices")).isEmpty();
            assertThat(json(again).path("environment").path("version").asLong()).isEqualTo(1);
        }

        @Test
        void putWithAnotherNameInTheSpecIs400NamingMetadataName() {
            start();
            var response = http.put("/v1/environments/shop", "application/yaml", SpecTexts.yaml("blog", 2));
            assertProblem(response, 400);
            assertThat(errorPaths(response)).containsExactly("metadata.name");
            assertThat(cloud.changes()).isEmpty();
        }
    }

    @Nested
    class DeletingAndScaling {
        @Test
        void deleteAnswers202WithTheName() {
            cloud.withEnvironment(Specs.anEnvironment("shop", 2));
            start();
            var response = http.delete("/v1/environments/shop");
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(json(response).path("outcome").asText()).isEqualTo("deleted");
            assertThat(json(response).path("environment").asText()).isEqualTo("shop");
            assertThat(cloud.changes()).containsExactly("delete default/shop");
        }

        @Test
        void deleteOfAnUnknownEnvironmentIs404() {
            start();
            assertProblem(http.delete("/v1/environments/nope"), 404);
        }

        @Test
        void scaleChangesTheReplicaCount() {
            cloud.withEnvironment(Specs.anEnvironment("shop", 2));
            start();
            var response =
                    http.post("/v1/environments/shop/services/web/scale", "application/json", "{\"replicas\": 7}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).path("outcome").asText()).isEqualTo("updated");
            assertThat(json(response)
                            .path("environment")
                            .path("services")
                            .get(0)
                            .path("desired")
                            .asInt())
                    .isEqualTo(7);
            assertThat(cloud.changes()).containsExactly("scale default/shop/web 7");
        }

        @Test
        void scaleOfAnUnknownEnvironmentOrServiceIs404() {
            cloud.withEnvironment(Specs.anEnvironment("shop", 2));
            start();
            assertProblem(http.post("/v1/environments/nope/services/web/scale", null, "{\"replicas\": 1}"), 404);
            assertProblem(http.post("/v1/environments/shop/services/db/scale", null, "{\"replicas\": 1}"), 404);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "{}",
                    "{\"replicas\": \"three\"}",
                    "{\"replicas\": 1.5}",
                    "{\"replicas\": -1}",
                    "{\"replicas\": 1001}",
                    "{\"replicas\": 99999999999999999999}",
                    "[3]",
                    "not json",
                    "",
                    "{\"replicas\": null}"
                })
        void scaleWithABadReplicaCountIs400NamingReplicas(String body) {
            cloud.withEnvironment(Specs.anEnvironment("shop", 2));
            start();
            var response = http.post("/v1/environments/shop/services/web/scale", "application/json", body);
            assertProblem(response, 400);
            assertThat(errorPaths(response)).containsExactly("replicas");
            assertThat(cloud.changes()).isEmpty();
        }
    }

    @Nested
    class Errors {
        @Test
        void anUnknownRouteIsA404Problem() {
            start();
            assertProblem(http.get("/v1/nothing-here"), 404);
            assertProblem(http.get("/v1"), 404);
            // Other paths are the web console's (ConsoleAssetsTest); a method it does not answer is not.
            assertProblem(http.delete("/"), 404);
        }

        @Test
        void aWrongMethodIsA405Problem() {
            start();
            var response = http.method("PATCH", "/v1/environments/shop");
            assertProblem(response, 405);
            assertProblem(http.delete("/v1/sites"), 405);
        }

        @Test
        void anUnexpectedFailureIsA500ProblemWithoutAStackTrace() {
            start();
            cloud.failure = new IllegalStateException("secret internals at dev.atoll.Foo.bar(Foo.java:42)");
            var response = http.get("/v1/sites");
            assertProblem(response, 500);
            assertThat(json(response).path("detail").asText()).isEqualTo("internal error");
            assertThat(response.body()).doesNotContain("secret", "Foo.java", "Exception");
        }

        @Test
        void aSpecReaderThatThrowsIsA500NotALeak() {
            startWith(text -> {
                throw new UnsupportedOperationException("TODO");
            });
            var response = http.post("/v1/environments", "application/yaml", SpecTexts.yaml("shop", 1));
            assertProblem(response, 500);
            assertThat(response.body()).doesNotContain("TODO");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "/v1/instances/shop.web.0/logs?offset=-1|offset",
                    "/v1/instances/shop.web.0/logs?offset=abc|offset",
                    "/v1/instances/shop.web.0/logs?follow=maybe|follow",
                    "/v1/events?watch=false&limit=abc|limit",
                    "/v1/events?watch=false&limit=0|limit",
                    "/v1/events?watch=false&limit=1001|limit",
                    "/v1/events?watch=false&since=-5|since",
                    "/v1/events?watch=perhaps|watch",
                    "/v1/environments?tenant=Not_A_Label|tenant"
                })
        void aBadQueryParameterIsA400NamingIt(String caseText) {
            cloud.withLog("default", "shop.web.0", "hello\n");
            start();
            String[] parts = caseText.split("\\|");
            var response = http.get(parts[0]);
            assertProblem(response, 400);
            assertThat(errorPaths(response)).containsExactly(parts[1]);
            assertThat(json(response).path("detail").asText()).contains(parts[1]);
        }

        @Test
        void aBodyOverOneMebibyteIs413ByItsDeclaredLength() {
            start();
            String huge = "a".repeat((1 << 20) + 1);
            var response = http.post("/v1/environments", "application/yaml", huge);
            assertProblem(response, 413);
            assertThat(cloud.changes()).isEmpty();
        }

        @Test
        void aBodyOverOneMebibyteIs413ByItsBytesWhenNoLengthIsDeclared() {
            start();
            byte[] huge = "a".repeat((1 << 20) + 1).getBytes();
            // An input stream publisher sends chunked: no Content-Length to trust.
            var request = http.request("/v1/environments/shop")
                    .header("Content-Type", "application/yaml")
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge)));
            var response = http.send(request);
            assertProblem(response, 413);
            assertThat(cloud.changes()).isEmpty();
        }

        @Test
        void aBodyOfExactlyOneMebibyteIsRead() {
            start();
            String spec = SpecTexts.yaml("shop", 1);
            String padded = spec + "#" + "x".repeat((1 << 20) - spec.length() - 2) + "\n";
            assertThat(padded.length()).isEqualTo(1 << 20);
            var response = http.post("/v1/environments", "application/yaml", padded);
            assertThat(response.statusCode()).isEqualTo(201);
        }
    }
}
