package dev.atoll.cli.deploy;

import static dev.atoll.cli.testing.Contract.deployResponse;
import static dev.atoll.cli.testing.Contract.environment;
import static dev.atoll.cli.testing.Contract.instance;
import static dev.atoll.cli.testing.Contract.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.Contract;
import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * `atoll deploy` against a fake API: create, update, unchanged, progress, failures. Needs
 * SpecParser for the local validation (runs once the spec branch is merged).
 */
@EnabledIf("dev.atoll.cli.testing.SpecParserReadiness#specParserIsImplemented")
class DeployCommandTest {
    private static final String[] SITES = {"london", "frankfurt", "new-york"};

    @TempDir
    Path dir;

    private final FakeAtoll api = FakeAtoll.start();

    @AfterEach
    void stop() {
        api.close();
    }

    private Cli.Result deploy(String spec, String... more) throws IOException {
        Path file = dir.resolve("hello.yaml");
        Files.writeString(file, spec);
        var args = new ArrayList<>(List.of("--server", api.url(), "deploy", "-f", file.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static List<InstanceView> web(int running, InstanceState rest) {
        var list = new ArrayList<InstanceView>();
        for (int i = 0; i < 6; i++) {
            list.add(instance("hello.web." + i, SITES[i % 3], i < running ? InstanceState.RUNNING : rest));
        }
        return list;
    }

    @Test
    void anEnvironmentThatDoesNotExistIsCreatedWithPost() throws IOException {
        api.on("GET", "/v1/environments/hello", Reply.problem(404, "environment hello does not exist"));
        api.on(
                "POST",
                "/v1/environments",
                Reply.json(201, deployResponse("created", environment("hello", "deploying", service("web", 6, 0, 0)))));

        var result = deploy(Contract.hello(6), "--no-wait");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("environment hello created\n");
        assertThat(api.changes()).singleElement().satisfies(post -> {
            assertThat(post.path()).isEqualTo("/v1/environments");
            assertThat(post.contentType()).isEqualTo("application/yaml");
            assertThat(post.body()).isEqualTo(Contract.hello(6));
        });
    }

    @Test
    void aDryRunShowsWhereTheReplicasWouldGoAndChangesNothing() throws IOException {
        api.on("GET", "/v1/environments/hello", Reply.problem(404, "environment hello does not exist"));
        api.on(
                "POST",
                "/v1/environments/preview",
                Reply.json(
                        200,
                        java.util.Map.of(
                                "environment",
                                "hello",
                                "tenant",
                                "default",
                                "exists",
                                false,
                                "placeable",
                                true,
                                "services",
                                List.of(java.util.Map.of(
                                        "service", "web",
                                        "summary", "6 replicas would go to london x2, frankfurt x2, new-york x2")))));

        var result = deploy(Contract.hello(6), "--dry-run");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .isEqualTo("environment hello would be created (dry run: nothing was changed)\n"
                        + "web: 6 replicas would go to london x2, frankfurt x2, new-york x2\n");
        assertThat(api.requests("POST", "/v1/environments")).isEmpty();
        assertThat(api.requests("PUT", "/v1/environments/hello")).isEmpty();
        assertThat(api.requests("POST", "/v1/environments/preview"))
                .singleElement()
                .satisfies(post -> assertThat(post.body()).isEqualTo(Contract.hello(6)));
    }

    @Test
    void aDryRunWhereSomeReplicaWouldNotFitSaysWhyAndFails() throws IOException {
        api.on(
                "POST",
                "/v1/environments/preview",
                Reply.json(
                        200,
                        java.util.Map.of(
                                "environment",
                                "hello",
                                "tenant",
                                "default",
                                "exists",
                                true,
                                "placeable",
                                false,
                                "services",
                                List.of(java.util.Map.of(
                                        "service",
                                        "web",
                                        "summary",
                                        "of 6 replicas, none would fit; the next fits nowhere: 0 of 3 sites fit:"
                                                + " 3 outside jurisdiction CH")))));

        var result = deploy(Contract.hello(6), "--dry-run");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("would be updated").contains("3 outside jurisdiction CH");
    }

    @Test
    void anEnvironmentThatExistsIsUpdatedWithPut() throws IOException {
        api.on("GET", "/v1/environments/hello", Reply.ok(environment("hello", "ready", service("web", 3, 3, 3))));
        api.on(
                "PUT",
                "/v1/environments/hello",
                Reply.ok(deployResponse("updated", environment("hello", "deploying", service("web", 6, 3, 3)), "web")));

        var result = deploy(Contract.hello(6), "--no-wait");

        assertThat(result.out()).isEqualTo("environment hello updated (changed: web)\n");
        assertThat(api.changes()).singleElement().satisfies(put -> assertThat(put.method())
                .isEqualTo("PUT"));
    }

    @Test
    void anIdenticalSpecIsReportedUnchangedAndIsReadyAtOnce() throws IOException {
        var ready = environment("hello", "ready", service("web", 6, 6, 6));
        api.on("GET", "/v1/environments/hello", Reply.ok(ready));
        api.on("PUT", "/v1/environments/hello", Reply.ok(deployResponse("unchanged", ready)));
        api.on("GET", "/v1/instances", Reply.ok(web(6, InstanceState.RUNNING)));

        var result = deploy(Contract.hello(6));

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().lines().toList())
                .startsWith("environment hello unchanged", "web: 6/6 running (updated 6/6)")
                .last()
                .asString()
                .startsWith("environment hello is ready: 6/6 instances running in 3 sites (");
    }

    @Test
    void showsProgressFromPendingToReady() throws IOException {
        api.onSequence(
                "GET",
                "/v1/environments/hello",
                Reply.problem(404, "environment hello does not exist"),
                Reply.ok(environment("hello", "deploying", service("web", 6, 0, 0))),
                Reply.ok(environment("hello", "deploying", service("web", 6, 3, 6))),
                Reply.ok(environment("hello", "ready", service("web", 6, 6, 6))));
        api.onSequence(
                "GET",
                "/v1/instances",
                Reply.ok(web(0, InstanceState.PENDING)),
                Reply.ok(web(3, InstanceState.STARTING)),
                Reply.ok(web(6, InstanceState.RUNNING)));
        api.on(
                "POST",
                "/v1/environments",
                Reply.json(201, deployResponse("created", environment("hello", "deploying", service("web", 6, 0, 0)))));

        var result = deploy(Contract.hello(6));

        assertThat(result.exitCode()).isZero();
        var lines = result.out().lines().toList();
        assertThat(lines.subList(0, 4))
                .containsExactly(
                        "environment hello created",
                        "web: 0/6 running (updated 0/6, 6 pending)",
                        "web: 3/6 running (updated 6/6, 3 starting)",
                        "web: 6/6 running (updated 6/6)");
        assertThat(lines.get(4))
                .matches("environment hello is ready: 6/6 instances running in 3 sites \\(\\d+\\.\\d s\\)");
    }

    @Test
    void anUnplaceableInstanceFailsTheDeployWithItsExplanation() throws IOException {
        String why = "0 of 9 nodes fit: 9 outside jurisdiction CH";
        api.onSequence(
                "GET",
                "/v1/environments/hello",
                Reply.problem(404, "environment hello does not exist"),
                Reply.ok(environment("hello", "unplaceable", service("web", 1, 0, 0))));
        api.on(
                "GET",
                "/v1/instances",
                Reply.ok(List.of(instance("hello.web.0", null, InstanceState.UNPLACEABLE, why))));
        api.on(
                "POST",
                "/v1/environments",
                Reply.json(201, deployResponse("created", environment("hello", "deploying", service("web", 1, 0, 0)))));

        var result = deploy(Contract.hello(1));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .isEqualTo("error: environment hello cannot become ready:\n  hello.web.0 unplaceable: " + why + "\n");
    }

    @Test
    void anInvalidSpecIsReportedLocallyAndNothingIsSent() throws IOException {
        var result = deploy(Contract.hello(6) + "      colour: blue\n");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("spec.services.web.colour: ");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aProblemFromTheApiIsPrintedWithItsFieldErrors() throws IOException {
        api.on("GET", "/v1/environments/hello", Reply.problem(404, "environment hello does not exist"));
        api.on(
                "POST",
                "/v1/environments",
                Reply.problem(
                        400,
                        "the spec cannot be deployed",
                        "spec.services.web.driver",
                        "no node offers driver process"));

        var result = deploy(Contract.hello(6));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .isEqualTo(
                        "error: the spec cannot be deployed\n  spec.services.web.driver: no node offers driver process\n");
    }

    @Test
    void aCreateThatLosesARaceBecomesAnUpdate() throws IOException {
        api.on("GET", "/v1/environments/hello", Reply.problem(404, "environment hello does not exist"));
        api.on("POST", "/v1/environments", Reply.problem(409, "environment hello exists"));
        api.on(
                "PUT",
                "/v1/environments/hello",
                Reply.ok(deployResponse("unchanged", environment("hello", "ready", service("web", 6, 6, 6)))));

        var result = deploy(Contract.hello(6), "--no-wait");

        assertThat(result.out()).isEqualTo("environment hello unchanged\n");
    }

    @Test
    void aServerThatIsNotRunningGetsAHint() throws IOException {
        api.close();
        String nowhere = "http://127.0.0.1:" + FakeAtoll.closedPort();
        Path file = dir.resolve("hello.yaml");
        Files.writeString(file, Contract.hello(6));

        var result = Cli.run("--server", nowhere, "deploy", "-f", file.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("error: cannot reach Atoll at " + nowhere + " (is `atoll dev` running?)\n");
    }

    @Test
    void theSpecsTenantIsUsedUnlessOneIsGiven() throws IOException {
        api.on("GET", "/v1/environments/hello", Reply.ok(environment("hello", "ready", service("web", 6, 6, 6))));
        api.on("PUT", "/v1/environments/hello", Reply.ok(deployResponse("unchanged", environment("hello", "ready"))));
        String spec = Contract.hello(6).replace("  name: hello\n", "  name: hello\n  tenant: acme\n");

        deploy(spec, "--no-wait");

        assertThat(api.requests()).allSatisfy(r -> assertThat(r.query()).containsEntry("tenant", "acme"));
    }
}
