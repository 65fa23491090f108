package dev.atoll.cli.deploy;

import static dev.atoll.cli.testing.Contract.deployResponse;
import static dev.atoll.cli.testing.Contract.environment;
import static dev.atoll.cli.testing.Contract.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScaleAndDeleteCommandTest {
    private final FakeAtoll api = FakeAtoll.start();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void scaleSetsTheReplicasOfOneService() {
        api.on(
                "POST",
                "/v1/environments/hello/services/web/scale",
                Reply.ok(deployResponse("updated", environment("hello", "deploying", service("web", 9, 6, 6)), "web")));

        var result = Cli.run("--server", api.url(), "scale", "hello/web", "9");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("hello/web scaled to 9 replicas\n");
        assertThat(api.changes()).singleElement().satisfies(r -> assertThat(r.body())
                .isEqualTo("{\"replicas\":9}"));
    }

    @Test
    void scaleToTheSameCountSaysNothingChanged() {
        api.on(
                "POST",
                "/v1/environments/hello/services/web/scale",
                Reply.ok(deployResponse("unchanged", environment("hello", "ready", service("web", 1, 1, 1)))));

        var result = Cli.run("--server", api.url(), "scale", "hello/web", "1");

        assertThat(result.out()).isEqualTo("hello/web already has 1 replica\n");
    }

    @Test
    void scaleOutOfRangeShowsTheApisFieldError() {
        api.on(
                "POST",
                "/v1/environments/hello/services/web/scale",
                Reply.problem(400, "the replica count is not valid", "replicas", "must be between 0 and 1000"));

        var result = Cli.run("--server", api.url(), "scale", "hello/web", "5000");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .isEqualTo("error: the replica count is not valid\n  replicas: must be between 0 and 1000\n");
    }

    @Test
    void deleteRemovesTheEnvironment() {
        api.on(
                "DELETE",
                "/v1/environments/hello",
                Reply.json(202, "{\"outcome\":\"deleted\",\"environment\":\"hello\"}"));

        var result = Cli.run("--server", api.url(), "delete", "environment", "hello");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("environment hello deleted\n");
    }

    @Test
    void deleteOfAnUnknownEnvironmentSaysSo() {
        api.on("DELETE", "/v1/environments/nope", Reply.problem(404, "environment nope does not exist"));

        var result = Cli.run("--server", api.url(), "delete", "env", "nope");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: environment nope does not exist\n");
    }
}
