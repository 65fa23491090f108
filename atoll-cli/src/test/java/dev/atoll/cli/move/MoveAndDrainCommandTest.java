package dev.atoll.cli.move;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.view.CloudEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MoveAndDrainCommandTest {
    private static final Instant T = Instant.parse("2026-12-07T01:00:00Z");
    private final FakeAtoll api = FakeAtoll.start();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void moveAsksTheApiAndFollowsTheMoveToItsEnd() {
        var old = event(7, "instance-running", "hello.web.0", "on node n1");
        api.onSequence(
                "GET",
                "/v1/events",
                Reply.ok(List.of(old)),
                Reply.ok(List.of(old, event(8, "move-started", "hello.web.0", "from london/n1 to frankfurt"))),
                Reply.ok(List.of(
                        old,
                        event(8, "move-started", "hello.web.0", "from london/n1 to frankfurt"),
                        event(9, "move-switched", "hello.web.0", "new instance healthy at site frankfurt"),
                        event(10, "move-completed", "hello.web.0", "old instance stopped"))));
        api.on(
                "POST",
                "/v1/environments/hello/instances/web.0/move",
                Reply.json(
                        202,
                        "{\"outcome\":\"moving\",\"instance\":\"hello.web.0\",\"from\":\"london/n1\",\"to\":\"frankfurt\"}"));

        var result = Cli.run("--server", api.url(), "move", "hello.web.0", "--to", "frankfurt");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .startsWith("moving hello.web.0 from london/n1 to frankfurt\n")
                .contains("move-started")
                .contains("move-switched")
                .endsWith("move-completed (london): old instance stopped\n")
                .doesNotContain("instance-running");
        assertThat(api.changes()).singleElement().satisfies(r -> assertThat(r.body())
                .isEqualTo("{\"to\":\"frankfurt\"}"));
    }

    @Test
    void aServerThatShowsNoMoveEventsStillSeesTheInstanceArriveAtANewerGeneration() {
        // The server asked is not the environment's home: its events say nothing of the move.
        api.on("GET", "/v1/events", Reply.ok(List.of()));
        var before = dev.atoll.cli.testing.Contract.instance("hello.web.0", "london", InstanceState.RUNNING);
        var moved = new InstanceView(
                before.id(),
                before.tenant(),
                before.environment(),
                before.service(),
                "frankfurt",
                "frankfurt-1",
                InstanceState.RUNNING,
                2,
                before.ports(),
                before.pid(),
                before.startedAt(),
                0,
                "");
        api.onSequence(
                "GET", "/v1/instances", Reply.ok(List.of(before)), Reply.ok(List.of(before)), Reply.ok(List.of(moved)));
        api.on(
                "POST",
                "/v1/environments/hello/instances/web.0/move",
                Reply.json(
                        202,
                        "{\"outcome\":\"moving\",\"instance\":\"hello.web.0\",\"from\":\"london/london-1\",\"to\":\"frankfurt\"}"));

        var result = Cli.run("--server", api.url(), "move", "hello.web.0", "--to", "frankfurt");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).endsWith("  moved: runs at frankfurt/frankfurt-1 (generation 2)\n");
    }

    @Test
    void aFailedMoveEndsWithAFailureExitCode() {
        api.onSequence(
                "GET",
                "/v1/events",
                Reply.ok(List.of()),
                Reply.ok(
                        List.of(event(1, "move-failed", "hello.web.0", "move failed: x; original kept at london/n1"))));
        api.on(
                "POST",
                "/v1/environments/hello/instances/web.0/move",
                Reply.json(
                        202,
                        "{\"outcome\":\"moving\",\"instance\":\"hello.web.0\",\"from\":\"london/n1\",\"to\":\"paris\"}"));

        var result = Cli.run("--server", api.url(), "move", "hello.web.0", "--to", "paris");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("original kept at london/n1");
    }

    @Test
    void aBadDestinationShowsTheApisFieldErrorAndABadInstanceIsAUsageError() {
        api.on("GET", "/v1/events", Reply.ok(List.of()));
        api.on(
                "POST",
                "/v1/environments/hello/instances/web.0/move",
                Reply.problem(400, "the move was not accepted", "to.site", "no site \"atlantis\""));

        var bad = Cli.run("--server", api.url(), "move", "hello.web.0", "--to", "atlantis");
        var usage = Cli.run("--server", api.url(), "move", "hello-web", "--to", "paris");

        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("to.site: no site \"atlantis\"");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("ENVIRONMENT.SERVICE.INDEX");
    }

    @Test
    void drainShowsTheNodeEmptyingAndUndoTakesItBack() {
        api.on(
                "POST",
                "/v1/sites/london/nodes/n1/drain",
                Reply.json(202, "{\"outcome\":\"draining\",\"site\":\"london\",\"node\":\"n1\",\"instances\":2}"));
        api.on(
                "DELETE",
                "/v1/sites/london/nodes/n1/drain",
                Reply.json(202, "{\"outcome\":\"undrained\",\"site\":\"london\",\"node\":\"n1\",\"instances\":0}"));
        api.onSequence(
                "GET", "/v1/nodes", Reply.ok(List.of(node(2))), Reply.ok(List.of(node(1))), Reply.ok(List.of(node(0))));

        var drain = Cli.run("--server", api.url(), "drain", "london/n1");
        var undo = Cli.run("--server", api.url(), "drain", "london/n1", "--undo");

        assertThat(drain.exitCode()).as(drain.err()).isZero();
        assertThat(drain.out())
                .isEqualTo("draining london/n1: 2 instance(s) to move off\n"
                        + "  1 instance(s) left on london/n1\n"
                        + "  0 instance(s) left on london/n1\n"
                        + "node london/n1 is drained\n");
        assertThat(undo.out()).isEqualTo("node london/n1 takes replicas again\n");
    }

    private static CloudEvent event(long seq, String type, String instance, String message) {
        return new CloudEvent(seq, T, type, "london", "hello", instance, message, "default");
    }

    private static dev.atoll.model.view.NodeView node(int instances) {
        var n = dev.atoll.cli.testing.Contract.node("london", "n1");
        return new dev.atoll.model.view.NodeView(
                n.site(),
                n.name(),
                "draining",
                n.capacity(),
                n.allocated(),
                n.instanceSlots(),
                instances,
                n.drivers(),
                n.tags());
    }
}
