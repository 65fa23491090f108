package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.api.auth.Access;
import dev.atoll.model.auth.BearerTokens;
import dev.atoll.model.auth.Role;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bearer tokens, roles, tenants and the audit log, as a client of the API sees them. */
class AuthenticationTest {
    private final FakeCloud cloud = new FakeCloud();
    private ApiServer server;
    private Http admin;

    @BeforeEach
    void start() {
        cloud.withEnvironment(Specs.anEnvironment("shop", 2));
        server = ApiServer.start(cloud, "127.0.0.1", 0);
        admin = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(status);
        assertThat(Http.contentType(response)).startsWith("application/problem+json");
        assertThat(Http.json(response).path("status").asInt()).isEqualTo(status);
    }

    private static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Http.json(response);
    }

    @Nested
    class WithoutAValidToken {
        @ParameterizedTest
        @ValueSource(
                strings = {
                    "",
                    "Basic dXNlcjpwYXNz",
                    "Bearer nonsense",
                    "Bearer atoll_0000000000000000_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                    "Bearer atoll_00000000000000ad_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                })
        void everyV1RouteAnswers401WithABearerChallenge(String authorization) {
            for (var route : server.routes()) {
                if (server.access().get(route) == Access.PUBLIC) continue;
                String path = route.path().replaceAll("\\{[^}]+}", "x");
                var request = new Http(server.uri(), null).request(path);
                if (!authorization.isEmpty()) request.header("Authorization", authorization);
                var response = admin.send(
                        request.method(route.method(), java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
                assertProblem(response, 401);
                assertThat(response.headers().firstValue("WWW-Authenticate"))
                        .as("%s", route)
                        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            }
            assertThat(cloud.changes()).isEmpty();
        }

        @Test
        void whenNoSiteCanCheckTokensTheAnswerIs503NotA401() {
            cloud.authUnavailable = true;

            var response = admin.get("/v1/environments");

            assertProblem(response, 503);
            assertThat(Http.json(response).path("detail").asText()).contains("try again");
        }

        @Test
        void healthMetricsAndTheApiDescriptionArePublic() {
            var anonymous = admin.as(null);
            assertThat(anonymous.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(anonymous.get("/metrics").statusCode()).isEqualTo(200);
            assertThat(anonymous.get("/v1/openapi.json").statusCode()).isEqualTo(200);
        }

        @Test
        void everyRouteButThePublicOnesNeedsAToken() {
            for (var route : server.routes()) {
                boolean isPublic = route.path().equals("/healthz")
                        || route.path().equals("/metrics")
                        || route.path().equals("/v1/openapi.json")
                        || !route.path().startsWith("/v1/");
                // Routes outside /v1 (the console's files) are public whether or not they say so.
                assertThat(server.access().getOrDefault(route, isPublic ? Access.PUBLIC : null))
                        .as("%s", route)
                        .isNotNull()
                        .matches(a -> (a == Access.PUBLIC) == isPublic);
            }
        }

        @Test
        void aRevokedTokenNoLongerWorks() {
            String token = TestTokens.create(cloud, "default", Role.VIEWER);
            var viewer = admin.as(token);
            assertThat(viewer.get("/v1/environments").statusCode()).isEqualTo(200);

            String id = BearerTokens.parse(token).orElseThrow().id();
            var revoked = ok(admin.delete("/v1/tokens/" + id), 200);

            assertThat(revoked.path("revokedAt").asText()).isNotEmpty();
            assertProblem(viewer.get("/v1/environments"), 401);
        }
    }

    @Nested
    class Roles {
        @Test
        void aViewerReadsButMayNotDeployAndIsToldTheRoleNeeded() {
            var viewer = admin.as(TestTokens.create(cloud, "default", Role.VIEWER));
            assertThat(viewer.get("/v1/environments/shop").statusCode()).isEqualTo(200);

            var deploy = viewer.post("/v1/environments", "application/yaml", SpecTexts.yaml("blog", 1));
            var scale =
                    viewer.post("/v1/environments/shop/services/web/scale", "application/json", "{\"replicas\": 1}");
            var delete = viewer.delete("/v1/environments/shop");

            for (var response : java.util.List.of(deploy, scale, delete)) {
                assertProblem(response, 403);
                assertThat(Http.json(response).path("detail").asText()).contains("deployer", "viewer");
            }
            assertThat(cloud.changes()).isEmpty();
        }

        @Test
        void aDeployerDeploysScalesAndDeletesButMayNotManageTokens() {
            var deployer = admin.as(TestTokens.create(cloud, "default", Role.DEPLOYER));
            ok(deployer.post("/v1/environments", "application/yaml", SpecTexts.yaml("blog", 1)), 201);
            ok(deployer.post("/v1/environments/blog/services/web/scale", "application/json", "{\"replicas\": 2}"), 200);
            ok(deployer.delete("/v1/environments/blog"), 202);

            var tokens = deployer.post("/v1/tokens", "application/json", "{\"role\": \"viewer\"}");
            assertProblem(tokens, 403);
            assertThat(Http.json(tokens).path("detail").asText()).contains("admin");
            assertProblem(deployer.get("/v1/audit"), 403);
        }

        @Test
        void onlyACloudAdminCreatesTenants() {
            var tenantAdmin = admin.as(TestTokens.create(cloud, "acme", Role.ADMIN));
            var refused = tenantAdmin.post("/v1/tenants", "application/json", "{\"name\": \"globex\"}");
            assertProblem(refused, 403);
            assertThat(Http.json(refused).path("detail").asText()).contains("cloud admin");

            var created = ok(admin.post("/v1/tenants", "application/json", "{\"name\": \"globex\"}"), 201);
            assertThat(created.path("name").asText()).isEqualTo("globex");
            assertProblem(admin.post("/v1/tenants", "application/json", "{\"name\": \"globex\"}"), 409);
            assertThat(ok(admin.get("/v1/tenants"), 200).findValuesAsText("name"))
                    .contains("default", "acme", "globex");
            assertThat(ok(tenantAdmin.get("/v1/tenants"), 200).findValuesAsText("name"))
                    .containsExactly("acme");
        }
    }

    @Nested
    class Tokens {
        @Test
        void aCloudAdminMakesATokenForATenantWhichWorksAtOnceAndIsShownOnlyOnce() {
            ok(admin.post("/v1/tenants", "application/json", "{\"name\": \"acme\"}"), 201);

            var created = ok(
                    admin.post(
                            "/v1/tokens",
                            "application/json",
                            "{\"tenant\": \"acme\", \"role\": \"deployer\", \"name\": \"ci\"}"),
                    201);

            String token = created.path("token").asText();
            assertThat(created.path("tenant").asText()).isEqualTo("acme");
            assertThat(created.path("role").asText()).isEqualTo("deployer");
            var whoami = ok(admin.as(token).get("/v1/whoami"), 200);
            assertThat(whoami.path("tenant").asText()).isEqualTo("acme");
            assertThat(whoami.path("tokenName").asText()).isEqualTo("ci");
            var listed = admin.get("/v1/tokens?tenant=acme");
            assertThat(listed.body())
                    .contains(created.path("id").asText())
                    .doesNotContain(token.substring(token.lastIndexOf('_') + 1));
        }

        @Test
        void theCloudKeepsOnlyTheHashOfASecret() {
            var created = ok(admin.post("/v1/tokens", "application/json", "{\"role\": \"viewer\"}"), 201);
            String token = created.path("token").asText();
            var presented = BearerTokens.parse(token).orElseThrow();

            var kept = cloud.authRecords().token(presented.id()).orElseThrow();

            assertThat(kept.toString()).doesNotContain(presented.secret());
            assertThat(kept.secretHash()).isEqualTo(BearerTokens.hash(presented.secret()));
        }

        @Test
        void aTenantAdminManagesItsOwnTokensOnly() {
            var acmeAdmin = admin.as(TestTokens.create(cloud, "acme", Role.ADMIN));
            var made = ok(acmeAdmin.post("/v1/tokens", "application/json", "{\"role\": \"viewer\"}"), 201);
            assertThat(made.path("tenant").asText()).isEqualTo("acme");
            assertThat(ok(acmeAdmin.get("/v1/tokens"), 200).findValuesAsText("tenant"))
                    .containsOnly("acme");
            assertProblem(acmeAdmin.get("/v1/tokens?tenant=default"), 404);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "{\"role\": \"root\"}|role",
                    "{}|role",
                    "{\"role\": 3}|role",
                    "{\"role\": \"viewer\", \"tenant\": \"Not_A_Label\"}|tenant",
                    "{\"role\": \"viewer\", \"tenant\": \"nobody\"}|tenant",
                    "{\"role\": \"viewer\", \"name\": \"\"}|name",
                    "{\"role\": \"viewer\", \"colour\": \"red\"}|colour",
                    "[1]|body"
                })
        void badTokenRequestsAre4xxNamingTheField(String caseText) {
            String[] parts = caseText.split("\\|");
            var response = admin.post("/v1/tokens", "application/json", parts[0]);
            assertThat(response.statusCode()).isBetween(400, 404);
            assertThat(Http.json(response).path("detail").asText()).contains(parts[1]);
            assertThat(cloud.authRecords().tokens()).hasSize(1);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"name\": \"Acme Corp\"}", "{\"name\": \"\"}", "{}", "{\"name\": \"-acme\"}"})
        void aBadTenantNameIs400NamingTheNameField(String body) {
            var response = admin.post("/v1/tenants", "application/json", body);
            assertProblem(response, 400);
            assertThat(Http.json(response).path("errors").get(0).path("path").asText())
                    .isEqualTo("name");
        }
    }

    @Nested
    class Audit {
        @Test
        void recordsWhoChangedWhatAndHowItEndedForAdminsOfTheTenant() {
            String deployerToken = TestTokens.create(cloud, "default", Role.DEPLOYER);
            var deployer = admin.as(deployerToken);
            ok(deployer.post("/v1/environments", "application/yaml", SpecTexts.yaml("blog", 1)), 201);
            assertProblem(deployer.delete("/v1/environments/nope"), 404);
            assertProblem(admin.as(null).delete("/v1/environments/blog"), 401);
            deployer.get("/v1/environments");

            var entries = ok(admin.get("/v1/audit"), 200);

            var mine = new java.util.ArrayList<JsonNode>();
            entries.forEach(e -> {
                if (e.path("tokenId")
                        .asText()
                        .equals(BearerTokens.parse(deployerToken).orElseThrow().id())) mine.add(e);
            });
            assertThat(mine).hasSize(2);
            assertThat(mine.get(0).path("method").asText()).isEqualTo("POST");
            assertThat(mine.get(0).path("route").asText()).isEqualTo("/v1/environments");
            assertThat(mine.get(0).path("role").asText()).isEqualTo("deployer");
            assertThat(mine.get(0).path("outcome").asText()).isEqualTo("done");
            assertThat(mine.get(1).path("resource").asText()).isEqualTo("/v1/environments/nope");
            assertThat(mine.get(1).path("status").asInt()).isEqualTo(404);
            // The anonymous attempt is there for the cloud admin; reads are not recorded.
            assertThat(entries.findValuesAsText("outcome")).contains("unauthenticated");
            assertThat(entries.findValuesAsText("method")).doesNotContain("GET");
        }
    }
}
