package dev.atoll.cli.deploy;

import static dev.atoll.cli.testing.Contract.environment;
import static dev.atoll.cli.testing.Contract.instance;
import static dev.atoll.cli.testing.Contract.service;
import static dev.atoll.model.instance.InstanceState.FAILED;
import static dev.atoll.model.instance.InstanceState.PENDING;
import static dev.atoll.model.instance.InstanceState.RUNNING;
import static dev.atoll.model.instance.InstanceState.STARTING;
import static dev.atoll.model.instance.InstanceState.UNPLACEABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.cli.client.RemoteEnvironment;
import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.view.EnvironmentView.ServiceStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Waiting for a deploy: progress lines, the ready line, and the reasons when it cannot finish. */
class DeployProgressTest {
    private static final String[] SITES = {"london", "frankfurt", "new-york"};

    private final FakeAtoll api = FakeAtoll.start();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void stop() {
        api.close();
    }

    private boolean await(Duration timeout) {
        var progress = new DeployProgress(
                new ApiClient(api.uri(), "default"),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                Clock.systemUTC(),
                Cli.POLL_EVERY,
                timeout);
        return progress.await("hello", Clock.systemUTC().instant());
    }

    /** Six replicas of hello.web spread over three sites, the first {@code n} in {@code state}, the rest in {@code rest}. */
    private static List<InstanceView> web(int n, InstanceState state, InstanceState rest) {
        var list = new ArrayList<InstanceView>();
        for (int i = 0; i < 6; i++) list.add(instance("hello.web." + i, SITES[i % 3], i < n ? state : rest));
        return list;
    }

    @Test
    void printsALineWhenCountsChangeAndFinishesWhenReady() {
        api.onSequence(
                "GET",
                "/v1/environments/hello",
                Reply.ok(environment("hello", "deploying", service("web", 6, 0, 0))),
                Reply.ok(environment("hello", "deploying", service("web", 6, 4, 6))),
                Reply.ok(environment("hello", "deploying", service("web", 6, 4, 6))),
                Reply.ok(environment("hello", "ready", service("web", 6, 6, 6))));
        api.onSequence(
                "GET",
                "/v1/instances",
                Reply.ok(web(0, RUNNING, PENDING)),
                Reply.ok(web(4, RUNNING, STARTING)),
                Reply.ok(web(4, RUNNING, STARTING)),
                Reply.ok(web(6, RUNNING, RUNNING)));

        boolean ready = await(Duration.ofSeconds(30));

        assertThat(ready).isTrue();
        var lines = out.toString().lines().toList();
        assertThat(lines.subList(0, 3))
                .containsExactly(
                        "web: 0/6 running (updated 0/6, 6 pending)",
                        "web: 4/6 running (updated 6/6, 2 starting)",
                        "web: 6/6 running (updated 6/6)");
        assertThat(lines.get(3))
                .matches("environment hello is ready: 6/6 instances running in 3 sites \\(\\d+\\.\\d s\\)");
        assertThat(lines).hasSize(4);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anUnplaceableInstanceEndsTheWaitWithItsExplanation() {
        String why = "0 of 9 nodes fit: 6 outside jurisdiction EU, 3 short of memory (need 2Gi, most free 1Gi)";
        var instances = new ArrayList<>(web(4, RUNNING, RUNNING).subList(0, 4));
        instances.add(instance("hello.web.4", null, UNPLACEABLE, why));
        instances.add(instance("hello.web.5", null, UNPLACEABLE, why));
        api.on("GET", "/v1/environments/hello", Reply.ok(environment("hello", "deploying", service("web", 6, 4, 4))));
        api.on("GET", "/v1/instances", Reply.ok(instances));

        boolean ready = await(Duration.ofSeconds(30));

        assertThat(ready).isFalse();
        assertThat(out.toString()).isEqualTo("web: 4/6 running (updated 4/6, 2 unplaceable)\n");
        assertThat(err.toString())
                .isEqualTo("error: environment hello cannot become ready:\n  hello.web.4, hello.web.5 unplaceable: "
                        + why + "\n");
    }

    @Test
    void manyInstancesWithOneReasonAreNamedBriefly() {
        var failing = new ArrayList<InstanceView>();
        for (int i = 0; i < 6; i++) failing.add(instance("hello.web." + i, "london", FAILED, "exec: no such file"));
        api.on("GET", "/v1/environments/hello", Reply.ok(environment("hello", "degraded", service("web", 6, 0, 6))));
        api.on("GET", "/v1/instances", Reply.ok(failing));

        assertThat(await(Duration.ofSeconds(30))).isFalse();
        assertThat(err.toString())
                .contains("  hello.web.0, hello.web.1, hello.web.2 and 3 more failed: exec: no such file\n");
    }

    @Test
    void givesUpAfterTheTimeoutSayingWhatIsStillMissing() {
        api.on("GET", "/v1/environments/hello", Reply.ok(environment("hello", "deploying", service("web", 6, 2, 6))));
        var instances = new ArrayList<>(web(2, RUNNING, RUNNING).subList(0, 2));
        for (int i = 2; i < 6; i++) {
            instances.add(instance("hello.web." + i, "london", InstanceState.CRASH_LOOPING, "exited with code 1"));
        }
        api.on("GET", "/v1/instances", Reply.ok(instances));

        boolean ready = await(Duration.ofMillis(200));

        assertThat(ready).isFalse();
        assertThat(err.toString()).isEqualTo("""
                        error: environment hello is not ready after 0.2 s:
                          web: 2/6 running (updated 6/6, 4 crash-looping)
                          hello.web.2, hello.web.3, hello.web.4 and 1 more crash-looping: exited with code 1
                        """);
    }

    @Test
    void anEnvironmentDeletedWhileWaitingEndsTheWait() {
        api.on("GET", "/v1/environments/hello", Reply.problem(404, "environment hello does not exist"));

        assertThat(await(Duration.ofSeconds(30))).isFalse();
        assertThat(err.toString()).contains("environment hello no longer exists");
    }

    // ---- the decision alone ----

    private static RemoteEnvironment env(String status, ServiceStatus... services) {
        return AtollJson.json().convertValue(environment("hello", status, services), RemoteEnvironment.class);
    }

    @Test
    void readyNeedsTheApisWordAndEveryReplicaOnTheCurrentSpec() {
        var instances = web(6, RUNNING, RUNNING);

        assertThat(DeployProgress.judge(env("ready", service("web", 6, 6, 6)), instances))
                .isEqualTo(new DeployProgress.Verdict.Ready(6, 6, 3));
        assertThat(DeployProgress.judge(env("ready", service("web", 6, 6, 5)), instances))
                .isInstanceOf(DeployProgress.Verdict.Waiting.class);
        assertThat(DeployProgress.judge(env("deploying", service("web", 6, 6, 6)), instances))
                .isInstanceOf(DeployProgress.Verdict.Waiting.class);
    }

    @Test
    void anUnplaceableEnvironmentWithoutInstancesFailsWithTheServiceMessage() {
        var verdict = DeployProgress.judge(
                env("unplaceable", new ServiceStatus("web", 6, 0, 0, "no site in jurisdiction CH")), List.of());

        assertThat(verdict).isEqualTo(new DeployProgress.Verdict.Failing(List.of("web: no site in jurisdiction CH")));
    }

    @Test
    void anEnvironmentWithNoReplicasIsReadyAtOnce() {
        assertThat(DeployProgress.judge(env("ready", service("web", 0, 0, 0)), List.of()))
                .isEqualTo(new DeployProgress.Verdict.Ready(0, 0, 0));
    }
}
