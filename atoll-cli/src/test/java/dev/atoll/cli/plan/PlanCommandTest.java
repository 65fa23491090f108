package dev.atoll.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import dev.atoll.model.view.PlanView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** `atoll plan show|apply`: what a site's background optimizer proposes, and applying it. */
class PlanCommandTest {
    private static final Instant T = Instant.parse("2026-12-07T02:00:00Z");
    private final FakeAtoll api = FakeAtoll.start();

    @AfterEach
    void stop() {
        api.close();
    }

    private static final String REPORT = "TERM             BEFORE  AFTER  WEIGHT\nenergy           260     160    1\n\n"
            + "#  INSTANCE    FROM       TO\n1  shop.web.0  london/n1  london/n2\n";

    @Test
    void showPrintsEachSitesReportForTheCloudAdmin() {
        api.on(
                "GET",
                "/v1/plans",
                Reply.ok(List.of(new PlanView(
                        "london",
                        T,
                        false,
                        0,
                        List.of(new PlanView.PlannedMove(1, "acme", "shop", "shop.web.0", "london/n1", "london/n2")),
                        REPORT))));

        var result = Cli.run("--server", api.url(), "plan", "show");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .startsWith("site london: plan of 2026-12-07T02:00:00Z\n")
                .contains("energy           260     160    1")
                .contains("1  shop.web.0  london/n1  london/n2");
    }

    @Test
    void showPrintsATenantsOwnMovesAsATableAndSaysWhenThereAreNone() {
        api.on(
                "GET",
                "/v1/plans",
                Reply.ok(List.of(
                        new PlanView(
                                "london",
                                T,
                                true,
                                1,
                                List.of(new PlanView.PlannedMove(
                                        2, "acme", "shop", "shop.web.1", "london/n1", "london/n3")),
                                null),
                        new PlanView("paris", T, false, 0, List.of(), null))));

        var result = Cli.run("--server", api.url(), "plan", "show");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("site london: plan of 2026-12-07T02:00:00Z, being applied (1 of 1 moves asked for)")
                .containsPattern("2\\s+shop.web.1\\s+london/n1\\s+london/n3")
                .contains("site paris: plan of 2026-12-07T02:00:00Z\nNo moves of your instances.");
    }

    @Test
    void showOfASiteThatHasNoPlanFails() {
        api.on("GET", "/v1/plans", Reply.ok(List.of()));

        var result = Cli.run("--server", api.url(), "plan", "show", "--site", "atlantis");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("site atlantis did not answer with a plan");
        assertThat(api.requests("GET", "/v1/plans")).singleElement().satisfies(r -> assertThat(r.query())
                .containsEntry("site", "atlantis"));
    }

    @Test
    void showOverARegionAsksForItAndARegionOutOfRangeIsAUsageError() {
        api.on("GET", "/v1/plans", Reply.ok(List.of(new PlanView("london", T, false, 0, List.of(), null))));

        var region = Cli.run("--server", api.url(), "plan", "show", "--site", "london", "--region", "2");
        var tooBig = Cli.run("--server", api.url(), "plan", "show", "--region", "17");

        assertThat(region.exitCode()).as(region.err()).isZero();
        assertThat(api.requests("GET", "/v1/plans")).singleElement().satisfies(r -> assertThat(r.query())
                .containsEntry("site", "london")
                .containsEntry("region", "2"));
        assertThat(tooBig.exitCode()).isEqualTo(2);
        assertThat(tooBig.err()).contains("--region must be 0 to 16, not 17");
    }

    @Test
    void applyAsksTheApiForTheSitesPlan() {
        api.on(
                "POST",
                "/v1/plans/london/apply",
                Reply.json(
                        202,
                        new PlanView(
                                "london",
                                T,
                                true,
                                0,
                                List.of(new PlanView.PlannedMove(
                                        1, "acme", "shop", "shop.web.0", "london/n1", "london/n2")),
                                REPORT)));

        var result = Cli.run("--server", api.url(), "plan", "apply", "london");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("applying site london's plan: 1 move(s)");
        assertThat(api.changes()).singleElement().satisfies(r -> assertThat(r.body())
                .isEqualTo("{}"));
    }
}
