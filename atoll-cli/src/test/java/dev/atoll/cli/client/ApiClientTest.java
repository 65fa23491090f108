package dev.atoll.cli.client;

import static dev.atoll.cli.testing.Contract.deployResponse;
import static dev.atoll.cli.testing.Contract.environment;
import static dev.atoll.cli.testing.Contract.instance;
import static dev.atoll.cli.testing.Contract.service;
import static dev.atoll.cli.testing.Contract.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.atoll.cli.testing.FakeAtoll;
import dev.atoll.cli.testing.FakeAtoll.Reply;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.view.CloudEvent;
import java.io.StringWriter;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The typed calls against a fake API that answers as the REST contract says. */
class ApiClientTest {
    private final FakeAtoll api = FakeAtoll.start();
    private final ApiClient client = new ApiClient(api.uri(), "acme");

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void readsSitesAsTheContractWritesThem() {
        api.on("GET", "/v1/sites", Reply.ok(List.of(site("london", "GB", "UK"))));

        var sites = client.sites();

        assertThat(sites).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("london");
            assertThat(s.capacity().cpuMillis()).isEqualTo(12_000);
        });
    }

    @Test
    void everyCallNamesTheTenant() {
        api.on("GET", "/v1/nodes", Reply.ok(List.of()));

        client.nodes(Optional.of("london"));

        assertThat(api.requests().getFirst().query())
                .containsEntry("tenant", "acme")
                .containsEntry("site", "london");
    }

    @Test
    void readsAnEnvironmentWhoseSpecIsInTheUsersFormat() {
        api.on("GET", "/v1/environments/hello", Reply.ok(environment("hello", "ready", service("web", 6, 6, 6))));

        var env = client.environment("hello").orElseThrow();

        assertThat(env.status()).isEqualTo("ready");
        assertThat(env.isReady()).isTrue();
        assertThat(env.desiredReplicas()).isEqualTo(6);
        assertThat(env.spec().at("/spec/services/web/driver").asText()).isEqualTo("process");
    }

    @Test
    void anEnvironmentThatDoesNotExistIsEmpty() {
        api.on("GET", "/v1/environments/nope", Reply.problem(404, "environment nope does not exist"));

        assertThat(client.environment("nope")).isEmpty();
    }

    @Test
    void createPostsTheSpecWithItsContentType() {
        api.on(
                "POST",
                "/v1/environments",
                Reply.json(201, deployResponse("created", environment("hello", "deploying", service("web", 6, 0, 0)))));

        var reply = client.create("kind: Environment\n", "application/yaml");

        assertThat(reply.outcome()).isEqualTo("created");
        assertThat(reply.environment().name()).isEqualTo("hello");
        var sent = api.requests("POST", "/v1/environments").getFirst();
        assertThat(sent.contentType()).isEqualTo("application/yaml");
        assertThat(sent.body()).isEqualTo("kind: Environment\n");
    }

    @Test
    void scalePostsTheReplicaCount() {
        api.on(
                "POST",
                "/v1/environments/hello/services/web/scale",
                Reply.ok(deployResponse("updated", environment("hello", "deploying", service("web", 3, 6, 6)), "web")));

        var reply = client.scale("hello", "web", 3);

        assertThat(reply.changedServices()).containsExactly("web");
        assertThat(api.requests().getFirst().body()).isEqualTo("{\"replicas\":3}");
    }

    @Test
    void aProblemArrivesWithItsDetailAndFieldErrors() {
        api.on(
                "PUT",
                "/v1/environments/hello",
                Reply.problem(
                        400, "the spec is not valid", "spec.services.web.replicas", "must be between 0 and 1000"));

        var e = catchThrowableOfType(ApiException.class, () -> client.replace("hello", "{}", "application/json"));

        assertThat(e.failure())
                .isEqualTo(new ApiFailure.Problem(
                        400,
                        "Problem",
                        "the spec is not valid",
                        List.of(new FieldError("spec.services.web.replicas", "must be between 0 and 1000"))));
    }

    @Test
    void anErrorThatIsNotAProblemDocumentStillSaysWhatHappened() {
        api.on("GET", "/v1/sites", new Reply(502, "text/plain", "bad gateway"));

        var e = catchThrowableOfType(ApiException.class, client::sites);

        assertThat(e.failure()).isInstanceOfSatisfying(ApiFailure.Problem.class, p -> {
            assertThat(p.status()).isEqualTo(502);
            assertThat(p.detail()).isEqualTo("bad gateway");
        });
    }

    @Test
    void anAnswerThatIsNotJsonIsABrokenExchange() {
        api.on("GET", "/v1/sites", Reply.text("text/html", "<html>"));

        var e = catchThrowableOfType(ApiException.class, client::sites);

        assertThat(e.failure()).isInstanceOf(ApiFailure.Broken.class);
    }

    @Test
    void aServerThatIsNotThereIsUnreachable() {
        var nowhere = URI.create("http://127.0.0.1:" + FakeAtoll.closedPort());

        var e = catchThrowableOfType(ApiException.class, () -> new ApiClient(nowhere, "default").sites());

        assertThat(e.failure()).isEqualTo(new ApiFailure.Unreachable(nowhere));
    }

    @Test
    void readsInstancesWithWireStateNames() {
        api.on(
                "GET",
                "/v1/instances",
                Reply.ok(List.of(instance("hello.web.0", "london", InstanceState.CRASH_LOOPING, "exit 1"))));

        var instances = client.instances(Optional.of("hello"), Optional.empty());

        assertThat(instances).singleElement().satisfies(i -> {
            assertThat(i.state()).isEqualTo(InstanceState.CRASH_LOOPING);
            assertThat(i.message()).isEqualTo("exit 1");
        });
        assertThat(api.requests().getFirst().query()).containsEntry("environment", "hello");
    }

    @Test
    void copiesALogAsText() {
        api.on("GET", "/v1/instances/hello.web.0/logs", Reply.text("text/plain", "Serving HTTP on 0.0.0.0\n"));
        var sink = new StringWriter();

        client.logs("hello.web.0", 0, false, sink);

        assertThat(sink).hasToString("Serving HTTP on 0.0.0.0\n");
        assertThat(api.requests().getFirst().query())
                .containsEntry("offset", "0")
                .containsEntry("follow", "false");
    }

    @Test
    void aLogOfAnUnknownInstanceIsAProblem() {
        api.on("GET", "/v1/instances/nope.web.0/logs", Reply.problem(404, "instance nope.web.0 does not exist"));

        var e = catchThrowableOfType(ApiException.class, () -> client.logs("nope.web.0", 0, false, new StringWriter()));

        assertThat(((ApiFailure.Problem) e.failure()).detail()).isEqualTo("instance nope.web.0 does not exist");
    }

    @Test
    void watchesTheEventStream() {
        var event = new CloudEvent(
                5, Instant.parse("2025-01-01T10:00:00Z"), "instance-started", "london", "hello", "hello.web.0", "ok");
        api.on(
                "GET",
                "/v1/events",
                Reply.text(
                        "text/event-stream",
                        "id: 5\nevent: instance-started\ndata: "
                                + FakeAtoll.Reply.ok(event).body() + "\n\n"));
        var seen = new ArrayList<CloudEvent>();

        client.watchEvents(OptionalLong.empty(), tree -> seen.add(client.toEvent(tree)));

        assertThat(seen).containsExactly(event);
    }

    @Test
    void aRequestWhoseConnectionEndsBeforeAnyAnswerIsSentAgain() throws Exception {
        // Given a server that closes the first connection after reading a request, answering nothing,
        // and answers the next one
        try (var server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            var connections = new java.util.concurrent.atomic.AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (var socket = server.accept()) {
                        var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
                        int length = 0;
                        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                                length = Integer.parseInt(line.substring(15).strip());
                        }
                        in.skip(length);
                        if (connections.incrementAndGet() == 1) continue; // closed: no bytes answered
                        byte[] body = "{\"name\":\"acme\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        var out = socket.getOutputStream();
                        out.write(("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: "
                                        + body.length + "\r\nConnection: close\r\n\r\n")
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            var client = new ApiClient(URI.create("http://127.0.0.1:" + server.getLocalPort()), "acme");

            // When a POST is sent
            var created = client.createTenant("acme");

            // Then it was sent again on a new connection and answered
            assertThat(created.path("name").asText()).isEqualTo("acme");
            assertThat(connections.get()).isEqualTo(2);
        }
    }
}
