package dev.atoll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How the atoll command line is read: help, usage errors, aliases, global options. */
class CommandLineTest {

    static Stream<String> everyCommand() {
        var names = Main.commandLine(Session.standard()).getSubcommands().keySet();
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("everyCommand")
    void everyCommandHasHelpWithAnExample(String command) {
        var result = Cli.run(command, "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: atoll " + command).contains("Example:");
    }

    @Test
    void theTopLevelHelpListsEveryCommandAndAnExample() {
        var result = Cli.run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .contains("deploy", "get", "describe", "logs", "scale", "delete", "events", "validate", "completion")
                .contains("Example:");
    }

    @Test
    void theCommandListIsTheOneTheIssueNames() {
        assertThat(everyCommand())
                .containsExactlyInAnyOrder(
                        "dev",
                        "deploy",
                        "get",
                        "describe",
                        "logs",
                        "scale",
                        "move",
                        "drain",
                        "plan",
                        "delete",
                        "events",
                        "validate",
                        "completion",
                        "bench",
                        "site",
                        "agent",
                        "image",
                        "sim",
                        "init",
                        "join-token",
                        "tenant",
                        "token",
                        "audit");
    }

    @Test
    void anUnknownFlagIsAUsageErrorWithTheMessageAndTheUsage() {
        var result = Cli.run("get", "sites", "--colour");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option: '--colour'").contains("Usage: atoll get");
        assertThat(result.err()).doesNotContain("Exception");
    }

    @Test
    void anUnknownKindIsAUsageErrorNamingTheKindsThereAre() {
        var result = Cli.run("get", "pods");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("unknown kind 'pods': expected sites, nodes, environments, instances, images or networks");
    }

    @Test
    void aMissingSpecFileOptionIsAUsageError() {
        var result = Cli.run("deploy");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required option: '--file=FILE'");
    }

    @Test
    void scaleWantsEnvironmentSlashService() {
        var result = Cli.run("scale", "hello", "3");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("'hello' is not ENVIRONMENT/SERVICE, e.g. hello/web");
    }

    @Test
    void aTimeoutThatIsNotADurationIsAUsageError() {
        var result = Cli.run("deploy", "-f", "x.yaml", "--timeout", "soon");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("'soon' is not a duration like 120s, 2m or 500ms");
    }

    @Test
    void aServerThatIsNotAnHttpAddressIsAUsageError() {
        var result = Cli.run("--server", "127.0.0.1:7070", "get", "sites");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("is not a server address like http://127.0.0.1:7070");
    }

    @ParameterizedTest
    @ValueSource(strings = {"site", "sites", "SITES"})
    void getAcceptsSingularPluralAndAnyCase(String kind) {
        try (var api = FakeAtoll.start().on("GET", "/v1/sites", Reply.ok(List.of()))) {
            var result = Cli.run("--server", api.url(), "get", kind);

            assertThat(result.exitCode()).isZero();
            assertThat(api.requests("GET", "/v1/sites")).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"env", "environment", "environments"})
    void environmentsHaveShortAndLongNames(String kind) {
        try (var api = FakeAtoll.start().on("GET", "/v1/environments", Reply.ok(List.of()))) {
            assertThat(Cli.run("--server", api.url(), "get", kind).exitCode()).isZero();
            assertThat(api.requests("GET", "/v1/environments")).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"inst", "instance", "instances"})
    void instancesHaveShortAndLongNames(String kind) {
        try (var api = FakeAtoll.start().on("GET", "/v1/instances", Reply.ok(List.of()))) {
            assertThat(Cli.run("--server", api.url(), "get", kind).exitCode()).isZero();
            assertThat(api.requests("GET", "/v1/instances")).hasSize(1);
        }
    }

    @Test
    void serverAndTenantMayComeBeforeOrAfterTheCommand() {
        try (var api = FakeAtoll.start().on("GET", "/v1/nodes", Reply.ok(List.of()))) {
            Cli.run("--server", api.url(), "--tenant", "acme", "get", "nodes");
            Cli.run("get", "nodes", "--server", api.url(), "--tenant", "zeta");

            assertThat(api.requests("GET", "/v1/nodes"))
                    .extracting(r -> r.query().get("tenant"))
                    .containsExactly("acme", "zeta");
        }
    }

    @Test
    void theTenantIsTheTokensUnlessGiven() {
        try (var api = FakeAtoll.start().on("GET", "/v1/sites", Reply.ok(List.of()))) {
            Cli.run("--server", api.url(), "get", "sites");

            assertThat(api.requests().getFirst().query()).doesNotContainKey("tenant");
        }
    }

    @Test
    void versionPrintsTheCommandName() {
        var result = Cli.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("atoll ");
    }

    @Test
    void completionPrintsABashScriptCoveringTheCommandsAndTheirOptions() {
        var result = Cli.run("completion");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .startsWith("#!/usr/bin/env bash")
                .contains("complete -F")
                .contains("deploy")
                .contains("--no-wait")
                .contains("environments");
    }

    @Test
    void withoutACommandItShowsWhatThereIsToDo() {
        var result = Cli.run();

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: atoll").contains("Commands:");
    }
}
