package dev.atoll.cli.inspect;

import static dev.atoll.cli.testing.Contract.T0;
import static dev.atoll.cli.testing.Contract.environment;
import static dev.atoll.cli.testing.Contract.instance;
import static dev.atoll.cli.testing.Contract.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.view.CloudEvent;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DescribeCommandTest {
    private final FakeAtoll api = FakeAtoll.start();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void describesSpecServicesInstancesAndTheEnvironmentsOwnEvents() {
        api.on("GET", "/v1/environments/hello", Reply.ok(environment("hello", "ready", service("web", 1, 1, 1))));
        api.on("GET", "/v1/instances", Reply.ok(List.of(instance("hello.web.0", "london", InstanceState.RUNNING))));
        api.on(
                "GET",
                "/v1/events",
                Reply.ok(List.of(
                        new CloudEvent(1, T0, "environment-created", "london", "hello", null, "version 1"),
                        new CloudEvent(2, T0, "environment-created", "london", "other", null, "version 1"))));

        var result = Cli.run("--server", api.url(), "describe", "environment", "hello");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .startsWith("""
                        Name:      hello
                        Tenant:    default
                        Status:    ready
                        Home site: london
                        Version:   1
                        Created:   2025-01-01T10:00:00Z
                        Updated:   2025-01-01T10:00:00Z

                        Services:
                          NAME   DRIVER    REPLICAS   RUNNING   UPDATED   CPU    MEMORY   PORTS   COMMAND                  MESSAGE
                          web    process   1          1         1         100m   64Mi     http    python3 -m http.server   -

                        Placement:
                          web: jurisdictions=[EU, UK], spread={across: site, minDomains: 3}

                        Instances:
                          ID            SITE     NODE       STATE     GEN   PORTS        AGE
                        """)
                .contains("  hello.web.0   london   london-1   running   1     http=41000")
                .contains("\nEvents:\n  TIME ")
                .contains("environment-created   london   hello ")
                .doesNotContain("other");
        assertThat(api.requests("GET", "/v1/events").getFirst().query()).containsEntry("watch", "false");
    }

    @Test
    void anEnvironmentThatDoesNotExistIsAnError() {
        var result = Cli.run("--server", api.url(), "describe", "env", "nope");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: environment nope does not exist\n");
    }

    @Test
    void onlyEnvironmentsCanBeDescribed() {
        var result = Cli.run("--server", api.url(), "describe", "site", "london");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("unknown kind 'site': expected environment");
    }
}
