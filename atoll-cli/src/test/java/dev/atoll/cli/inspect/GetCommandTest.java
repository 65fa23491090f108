package dev.atoll.cli.inspect;

import static dev.atoll.cli.testing.Contract.environment;
import static dev.atoll.cli.testing.Contract.instance;
import static dev.atoll.cli.testing.Contract.node;
import static dev.atoll.cli.testing.Contract.service;
import static dev.atoll.cli.testing.Contract.site;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.json.AtollJson;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** `atoll get` against a fake API: tables, the API's JSON and YAML, filters and errors. */
class GetCommandTest {
    private final FakeAtoll api = FakeAtoll.start();

    @AfterEach
    void stop() {
        api.close();
    }

    private Cli.Result get(String... args) {
        var all = new String[args.length + 3];
        all[0] = "--server";
        all[1] = api.url();
        all[2] = "get";
        System.arraycopy(args, 0, all, 3, args.length);
        return Cli.run(all);
    }

    @Test
    void sitesAreATableWithTheirCapacityInUse() {
        api.on("GET", "/v1/sites", Reply.ok(List.of(site("london", "GB", "UK"), site("new-york", "US", "US"))));

        var result = get("sites");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                NAME       COUNTRY   JURISDICTION   NODES   INSTANCES   CPU        MEMORY       HEALTH
                london     GB        UK             3       2           1500m/12   1.5Gi/48Gi   healthy
                new-york   US        US             3       2           1500m/12   1.5Gi/48Gi   healthy
                """);
    }

    @Test
    void nodesAreATableFilteredBySiteOnTheServer() {
        api.on("GET", "/v1/nodes", Reply.ok(List.of(node("london", "london-1"))));

        var result = get("nodes", "--site", "london");

        assertThat(result.out().lines())
                .containsExactly(
                        "SITE     NAME       STATE   CPU      MEMORY       INSTANCES   DRIVERS",
                        "london   london-1   ready   500m/4   512Mi/16Gi   2/100       process");
        assertThat(api.requests().getFirst().query()).containsEntry("site", "london");
    }

    @Test
    void environmentsShowRunningOverDesired() {
        api.on(
                "GET",
                "/v1/environments",
                Reply.ok(List.of(environment("hello", "deploying", service("web", 6, 4, 6), service("db", 1, 1, 1)))));

        var result = get("environments");

        assertThat(result.out().lines())
                .containsExactly(
                        "NAME    SERVICES   INSTANCES   STATUS      HOME     VERSION",
                        "hello   2          5/7         deploying   london   1");
    }

    @Test
    void instancesAreFilteredByEnvironmentAndSiteOnTheServer() {
        api.on(
                "GET",
                "/v1/instances",
                Reply.ok(List.of(
                        instance("hello.web.0", "london", InstanceState.RUNNING),
                        instance("hello.web.1", "london", InstanceState.UNPLACEABLE, "0 of 9 nodes fit"))));

        var result = get("instances", "--environment", "hello", "--site", "london", "-o", "wide");

        var lines = result.out().lines().toList();
        assertThat(lines.getFirst())
                .matches("ID +SITE +NODE +STATE +GEN +PORTS +AGE +PID +RESTARTS +ADDRESSES +MESSAGE");
        assertThat(lines.get(1))
                .matches("hello\\.web\\.0 +london +london-1 +running +1 +http=41000 +\\d+d +4000 +0 +- +-");
        assertThat(lines.get(2))
                .matches("hello\\.web\\.1 +london +london-1 +unplaceable +1 +- +- +- +0 +- +0 of 9 nodes fit");
        assertThat(api.requests().getFirst().query())
                .containsEntry("environment", "hello")
                .containsEntry("site", "london");
    }

    @Test
    void jsonIsTheApisOwnJsonPrettyPrinted() throws Exception {
        var env = environment("hello", "ready", service("web", 6, 6, 6));
        api.on("GET", "/v1/environments", Reply.ok(List.of(env)));

        var result = get("environments", "-o", "json");

        assertThat(result.out()).contains("\n  {\n");
        assertThat(AtollJson.json().readTree(result.out()))
                .isEqualTo(AtollJson.json().createArrayNode().add(env));
    }

    @Test
    void yamlIsTheApisJsonAsYaml() throws Exception {
        var env = environment("hello", "ready", service("web", 6, 6, 6));
        api.on("GET", "/v1/environments", Reply.ok(List.of(env)));

        var result = get("env", "-o", "yaml", "--environment", "hello");

        assertThat(result.out()).startsWith("- name: hello\n");
        assertThat(AtollJson.yaml().readTree(result.out()))
                .isEqualTo(AtollJson.json().createArrayNode().add(env));
    }

    @Test
    void aFilterTheApiDoesNotKnowIsAppliedHere() {
        api.on("GET", "/v1/sites", Reply.ok(List.of(site("london", "GB", "UK"), site("new-york", "US", "US"))));

        var result = get("sites", "--site", "new-york");

        assertThat(result.out()).contains("new-york").doesNotContain("london");
    }

    @Test
    void nothingToListSaysSoOnTheErrorStream() {
        api.on("GET", "/v1/instances", Reply.ok(List.of()));

        var result = get("instances");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("no instances found\n");
    }

    @Test
    void aProblemIsPrintedWithItsFieldErrorsAndExitsOne() {
        api.on(
                "GET",
                "/v1/instances",
                Reply.problem(400, "the query is not valid", "site", "no site named mars", "environment", "too long"));

        var result = get("instances", "--site", "mars");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("""
                        error: the query is not valid
                          site: no site named mars
                          environment: too long
                        """);
    }

    @Test
    void aServerThatIsNotRunningGetsAHintAndExitsTwo() {
        String nowhere = "http://127.0.0.1:" + FakeAtoll.closedPort();

        var result = Cli.run("--server", nowhere, "get", "sites");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("error: cannot reach Atoll at " + nowhere + " (is `atoll dev` running?)\n");
    }

    @Test
    void anAnswerOutsideTheContractIsAnErrorNotAStackTrace() {
        api.on("GET", "/v1/sites", Reply.ok("{\"not\":\"a list\"}"));

        var result = get("sites");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("error: ").doesNotContain("\tat ");
    }
}
