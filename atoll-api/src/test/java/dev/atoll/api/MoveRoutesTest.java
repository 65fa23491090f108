package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.auth.Role;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Moving an instance and draining a node over the REST API: 202 with where to watch, or a problem naming the field. */
class MoveRoutesTest {
    private final FakeCloud cloud = new FakeCloud();
    private ApiServer server;
    private Http deployer;
    private Http admin;

    @BeforeEach
    void start() {
        cloud.withEnvironment(Specs.anEnvironment("shop", "acme", Specs.aService("web", 2)));
        server = ApiServer.start(cloud, "127.0.0.1", 0);
        TestTokens.registerCloudAdmin(cloud);
        deployer = new Http(server.uri(), TestTokens.create(cloud, "acme", Role.DEPLOYER));
        admin = new Http(server.uri(), TestTokens.CLOUD_ADMIN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aDeployerMovesAnInstanceAndIsToldWhereToWatch() {
        var response = move("web.0", "{\"to\": \"frankfurt/frankfurt-n2\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Location")).contains("/v1/events?environment=shop");
        var body = Http.json(response);
        assertThat(body.path("outcome").asText()).isEqualTo("moving");
        assertThat(body.path("instance").asText()).isEqualTo("shop.web.0");
        assertThat(body.path("to").asText()).isEqualTo("frankfurt/frankfurt-n2");
        assertThat(cloud.changes()).containsExactly("move acme/shop.web.0 to frankfurt/frankfurt-n2");
    }

    @Test
    void aBadBodyOrDestinationIsAProblemNamingTheFieldAndMovesNothing() {
        assertProblem(move("web.0", "{}"), 400, "to", "is required");
        assertProblem(move("web.0", "{\"to\": 3}"), 400, "to", "must be a string");
        assertProblem(move("web.0", "{\"to\": \"paris\", \"now\": true}"), 400, "now", "unknown field");
        assertProblem(move("web.0", "not json"), 400, "to", "JSON object");
        assertThat(cloud.changes()).isEmpty();

        // A destination the home refuses names it too
        assertProblem(move("web.0", "{\"to\": \"atlantis\"}"), 400, "to.site", "no site \"atlantis\"");
    }

    @Test
    void onlyTheCloudAdminDrainsANodeAndTakesItBack() {
        assertThat(deployer.post("/v1/sites/london/nodes/london-n1/drain", "application/json", "{}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(cloud.changes()).isEmpty();

        var drained = admin.post("/v1/sites/london/nodes/london-n1/drain", "application/json", "{}");
        assertThat(drained.statusCode()).isEqualTo(202);
        assertThat(Http.json(drained).path("outcome").asText()).isEqualTo("draining");
        assertThat(Http.json(drained).path("instances").asInt()).isEqualTo(2);
        var back = admin.delete("/v1/sites/london/nodes/london-n1/drain");
        assertThat(back.statusCode()).isEqualTo(202);
        assertThat(Http.json(back).path("outcome").asText()).isEqualTo("undrained");
        assertThat(admin.post("/v1/sites/paris/nodes/n1/drain", "application/json", "{}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(cloud.changes())
                .containsExactly("drain london/london-n1", "undrain london/london-n1", "drain paris/n1");
    }

    private HttpResponse<String> move(String instance, String body) {
        return deployer.post("/v1/environments/shop/instances/" + instance + "/move", "application/json", body);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String field, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(Http.contentType(response)).startsWith("application/problem+json");
        var errors = Http.json(response).path("errors");
        assertThat(errors.toString()).contains("\"" + field + "\"").contains(reason.replace("\"", "\\\""));
    }
}
