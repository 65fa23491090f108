package dev.atoll.cli.inspect;

import static dev.atoll.cli.testing.Contract.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.cli.testing.Cli;
import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import dev.atoll.model.view.CloudEvent;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** `atoll logs` and `atoll events`: text and events as the API streams them. */
class StreamsCommandTest {
    private static final CloudEvent STARTED =
            new CloudEvent(7, T0, "instance-started", "london", "hello", "hello.web.0", "started");
    private static final CloudEvent OTHER =
            new CloudEvent(8, T0, "environment-created", "paris", "other", null, "version 1");

    private final FakeAtoll api = FakeAtoll.start();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void logsPrintTheInstancesOutput() {
        api.on("GET", "/v1/instances/hello.web.0/logs", Reply.text("text/plain", "line one\nline two\n"));

        var result = Cli.run("--server", api.url(), "logs", "hello.web.0");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("line one\nline two\n");
    }

    @Test
    void logsFollowAsksTheApiToKeepStreaming() {
        api.on("GET", "/v1/instances/hello.web.0/logs", Reply.text("text/plain", "more\n"));

        Cli.run("--server", api.url(), "logs", "-f", "hello.web.0");

        assertThat(api.requests().getFirst().query()).containsEntry("follow", "true");
    }

    @Test
    void logsOfAnUnknownInstanceSayWhy() {
        api.on("GET", "/v1/instances/nope.web.0/logs", Reply.problem(404, "instance nope.web.0 does not exist"));

        var result = Cli.run("--server", api.url(), "logs", "nope.web.0");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: instance nope.web.0 does not exist\n");
    }

    @Test
    void eventsAreATableOfTheRecentOnes() {
        api.on("GET", "/v1/events", Reply.ok(List.of(STARTED, OTHER)));

        var result = Cli.run("--server", api.url(), "events", "--environment", "hello");

        assertThat(result.out().lines())
                .containsExactly(
                        "TIME                   TYPE               SITE     ENVIRONMENT   INSTANCE      MESSAGE",
                        "2025-01-01T10:00:00Z   instance-started   london   hello         hello.web.0   started");
        assertThat(api.requests().getFirst().query())
                .containsEntry("watch", "false")
                .containsEntry("limit", "100");
    }

    @Test
    void eventsAsJsonAreTheApisJson() {
        api.on("GET", "/v1/events", Reply.ok(List.of(STARTED)));

        var result = Cli.run("--server", api.url(), "events", "-o", "json");

        assertThat(result.out()).contains("\"type\": \"instance-started\"");
    }

    @Test
    void watchingPrintsEachEventAsItArrives() {
        String stream = "id: 7\nevent: instance-started\ndata: "
                + Reply.ok(STARTED).body() + "\n\n"
                + ": keep-alive\n\n"
                + "id: 8\nevent: environment-created\ndata: " + Reply.ok(OTHER).body() + "\n\n";
        api.on(
                "GET",
                "/v1/events",
                request -> Reply.text("text/event-stream", request.query().containsKey("since") ? "" : stream));

        var table = Cli.run("--server", api.url(), "events", "--watch");
        var json = Cli.run("--server", api.url(), "events", "--watch", "-o", "json", "--environment", "other");

        assertThat(table.out().lines())
                .containsExactly(
                        "2025-01-01T10:00:00Z  instance-started        london        hello.web.0               started",
                        "2025-01-01T10:00:00Z  environment-created     paris         other                     version 1");
        assertThat(json.out().lines()).singleElement().asString().contains("\"seq\":8");
    }

    @Test
    void aWatchCarriesOnFromTheLastEventWhenTheServerEndsTheStream() {
        String first =
                "id: 7\nevent: instance-started\ndata: " + Reply.ok(STARTED).body() + "\n\n";
        String second =
                "id: 8\nevent: environment-created\ndata: " + Reply.ok(OTHER).body() + "\n\n";
        api.on(
                "GET",
                "/v1/events",
                request -> Reply.text(
                        "text/event-stream",
                        switch (request.query().getOrDefault("since", "")) {
                            case "" -> first;
                            case "7" -> second;
                            default -> "";
                        }));

        var result = Cli.run("--server", api.url(), "events", "--watch", "-o", "json");

        assertThat(result.out().lines()).hasSize(2);
        assertThat(api.requests())
                .extracting(r -> r.query().getOrDefault("since", "-"))
                .containsExactly("-", "7", "8");
    }
}
