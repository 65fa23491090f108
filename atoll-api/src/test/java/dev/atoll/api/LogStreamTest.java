package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogStreamTest {
    private final FakeCloud cloud = new FakeCloud().withLog("default", "shop.web.0", "hello\nworld\n");
    private ApiServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = ApiServer.start(cloud, "127.0.0.1", 0, ApiOptions.defaults().withLogPoll(Duration.ofMillis(20)));
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theLogIsSentAsTextFromTheOffset() {
        var whole = http.get("/v1/instances/shop.web.0/logs");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(Http.contentType(whole)).startsWith("text/plain");
        assertThat(whole.body()).isEqualTo("hello\nworld\n");
        assertThat(http.get("/v1/instances/shop.web.0/logs?offset=6").body()).isEqualTo("world\n");
        assertThat(http.get("/v1/instances/shop.web.0/logs?offset=600").body()).isEmpty();
    }

    @Test
    void theLogOfAnotherTenantOrAnUnknownInstanceIs404() {
        var acme = http.as(TestTokens.create(cloud, "acme", dev.atoll.model.auth.Role.VIEWER));
        assertThat(acme.get("/v1/instances/shop.web.0/logs").statusCode()).isEqualTo(404);
        var unknown = http.get("/v1/instances/nope.web.0/logs?follow=true");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Http.contentType(unknown)).startsWith("application/problem+json");
    }

    @Test
    void followingSendsBytesAppendedLater() throws Exception {
        try (var stream = StreamReader.open(http, "/v1/instances/shop.web.0/logs?offset=6&follow=true")) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.text().equals("world\n"));

            cloud.appendLog("default", "shop.web.0", "again\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.text().equals("world\nagain\n"));

            cloud.appendLog("default", "shop.web.0", "and again\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.text().equals("world\nagain\nand again\n"));
        }
    }

    @Test
    void followingStopsOnceTheClientHasGoneAway() throws Exception {
        var stream = StreamReader.open(http, "/v1/instances/shop.web.0/logs?follow=true");
        await().atMost(Duration.ofSeconds(5)).until(() -> stream.text().equals("hello\nworld\n"));
        assertThat(server.openStreams()).isEqualTo(1);

        stream.close();
        // A server learns that an HTTP/1.1 client left only from writes: the first after the close
        // still lands in the socket buffer, a later one fails.
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            cloud.appendLog("default", "shop.web.0", "after the client left\n");
            Thread.sleep(50);
            return server.openStreams() == 0;
        });
        int opens = cloud.logOpens.get();
        Thread.sleep(100);
        assertThat(cloud.logOpens.get()).isEqualTo(opens);
    }
}
