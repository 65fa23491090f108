package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.auth.Role;
import dev.atoll.model.view.PlanView;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sites' rebalancing plans over the REST API: read by anyone as far as it concerns them, applied by the cloud admin. */
class PlanRoutesTest {
    private final FakeCloud cloud = new FakeCloud();
    private ApiServer server;
    private Http acme;
    private Http admin;

    @BeforeEach
    void start() {
        cloud.withPlan(new PlanView(
                "london",
                Instant.parse("2026-12-07T02:00:00Z"),
                false,
                0,
                List.of(
                        new PlanView.PlannedMove(1, "acme", "shop", "shop.web.0", "london/n1", "london/n2"),
                        new PlanView.PlannedMove(2, "globex", "blog", "blog.web.1", "london/n1", "london/n3")),
                "TERM  BEFORE  AFTER\\nenergy ..."));
        server = ApiServer.start(cloud, "127.0.0.1", 0);
        TestTokens.registerCloudAdmin(cloud);
        acme = new Http(server.uri(), TestTokens.create(cloud, "acme", Role.ADMIN));
        admin = new Http(server.uri(), TestTokens.CLOUD_ADMIN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theCloudAdminSeesEveryMoveAndTheReportATenantOnlyItsOwnMoves() {
        var all = Http.json(admin.get("/v1/plans"));
        assertThat(all).hasSize(1);
        assertThat(all.get(0).path("site").asText()).isEqualTo("london");
        assertThat(all.get(0).path("moves")).hasSize(2);
        assertThat(all.get(0).path("report").asText()).contains("energy");

        var mine = Http.json(acme.get("/v1/plans"));
        assertThat(mine.get(0).path("moves")).hasSize(1);
        assertThat(mine.get(0).path("moves").get(0).path("instance").asText()).isEqualTo("shop.web.0");
        assertThat(mine.get(0).hasNonNull("report")).isFalse();
        assertThat(mine.toString()).doesNotContain("globex", "blog");

        assertThat(Http.json(admin.get("/v1/plans?site=paris"))).isEmpty();
    }

    @Test
    void aRegionIsAskedForByItsNumberOfNearestSitesAndABadOneNamesTheParameter() {
        assertThat(admin.get("/v1/plans?region=2").statusCode()).isEqualTo(200);
        assertThat(cloud.regionsAsked()).containsExactly(2);

        assertProblem(admin.get("/v1/plans?region=17"), 400, "region");
        assertProblem(admin.get("/v1/plans?region=-1"), 400, "region");
        assertProblem(admin.get("/v1/plans?region=near"), 400, "region");
        assertThat(cloud.regionsAsked()).containsExactly(2);
    }

    @Test
    void theCloudAdminAppliesASitesPlanAndIsToldItIsUnderWay() {
        var response = admin.post("/v1/plans/london/apply", "application/json", "{}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(Http.json(response).path("applying").asBoolean()).isTrue();
        assertThat(cloud.changes()).containsExactly("apply plan london");
    }

    @Test
    void applyingIsRefusedToATenantAnUnknownSiteIsNotFoundAndABadBodyNamesTheField() {
        assertThat(acme.post("/v1/plans/london/apply", "application/json", "{}").statusCode())
                .isEqualTo(403);
        assertThat(cloud.changes()).isEmpty();

        assertProblem(admin.post("/v1/plans/london/apply", "application/json", "{\"now\": true}"), 400, "now");
        assertProblem(admin.post("/v1/plans/london/apply", "application/json", "[1]"), 400, "body");
        assertThat(cloud.changes()).isEmpty();

        var unknown = admin.post("/v1/plans/atlantis/apply", "application/json", "");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Http.contentType(unknown)).startsWith("application/problem+json");
        assertThat(unknown.body()).contains("atlantis");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(Http.contentType(response)).startsWith("application/problem+json");
        assertThat(Http.json(response).path("errors").toString()).contains("\"" + field + "\"");
    }
}
