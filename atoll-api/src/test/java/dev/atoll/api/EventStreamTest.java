package dev.atoll.api;

import static dev.atoll.api.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventStreamTest {
    private final FakeCloud cloud = new FakeCloud();
    private ApiServer server;
    private Http http;
    /** Listeners before any stream opens: the server's own, such as the events counter of /metrics. */
    private int serverListeners;

    @BeforeEach
    void start() {
        cloud.publish("environment-created", "shop");
        cloud.publish("instance-started", "shop");
        cloud.publish("instance-started", "blog");
        server = ApiServer.start(cloud, "127.0.0.1", 0, ApiOptions.defaults().withKeepAlive(Duration.ofMillis(100)));
        http = new Http(server.uri());
        serverListeners = cloud.listeners();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theStreamSendsTheBacklogThenLiveEvents() throws Exception {
        try (var stream = StreamReader.open(http, "/v1/events")) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            assertThat(Http.contentType(stream.response)).startsWith("text/event-stream");
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.text().contains("id: 3\n"));
            assertThat(stream.text()).startsWith("id: 1\nevent: environment-created\ndata: {\"seq\":1,");
            await().atMost(Duration.ofSeconds(5)).until(() -> cloud.listeners() == serverListeners + 1);

            cloud.publish("instance-stopped", "shop");

            await().atMost(Duration.ofSeconds(5)).until(() -> stream.text().contains("id: 4\n"));
            String frame = stream.text().substring(stream.text().indexOf("id: 4\n"));
            assertThat(frame).startsWith("id: 4\nevent: instance-stopped\ndata: ");
            String data = frame.lines()
                    .filter(l -> l.startsWith("data: "))
                    .findFirst()
                    .orElseThrow();
            var event = dev.atoll.model.json.AtollJson.json().readTree(data.substring("data: ".length()));
            assertThat(event.path("type").asText()).isEqualTo("instance-stopped");
            assertThat(event.path("time").asText()).isEqualTo("2025-01-01T00:00:04Z");
            assertThat(stream.text().indexOf("id: 4\n")).isEqualTo(stream.text().lastIndexOf("id: 4\n"));
        }
    }

    @Test
    void sinceResumesAfterTheGivenSequenceNumber() throws Exception {
        try (var stream = StreamReader.open(http, "/v1/events?since=2")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.text().contains("id: 3\n"));
            assertThat(stream.text()).doesNotContain("id: 1\n", "id: 2\n");
        }
    }

    @Test
    void anIdleStreamGetsKeepAliveComments() throws Exception {
        try (var stream = StreamReader.open(http, "/v1/events")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.text().contains(": keep-alive\n\n"));
        }
    }

    @Test
    void theSubscriptionEndsWhenTheClientGoesAway() throws Exception {
        var stream = StreamReader.open(http, "/v1/events");
        await().atMost(Duration.ofSeconds(5)).until(() -> cloud.listeners() == serverListeners + 1);
        assertThat(server.openStreams()).isEqualTo(1);

        stream.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> cloud.subscriptionsClosed.get() == 1);
        assertThat(cloud.listeners()).isEqualTo(serverListeners);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openStreams() == 0);
    }

    @Test
    void closingTheServerEndsOpenStreams() throws Exception {
        try (var stream = StreamReader.open(http, "/v1/events")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> cloud.listeners() == serverListeners + 1);
            server.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> cloud.listeners() == 0);
        }
    }

    @Test
    void watchFalseListsTheRecentEventsOldestFirst() {
        var response = http.get("/v1/events?watch=false&limit=2");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.contentType(response)).startsWith("application/json");
        var list = json(response);
        assertThat(list).hasSize(2);
        assertThat(list.get(0).path("seq").asLong()).isEqualTo(2);
        assertThat(list.get(1).path("seq").asLong()).isEqualTo(3);
        assertThat(list.get(1).path("environment").asText()).isEqualTo("blog");
        assertThat(list.get(1).has("instance")).isFalse();
    }
}
