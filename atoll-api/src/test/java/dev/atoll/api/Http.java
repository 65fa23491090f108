package dev.atoll.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.model.json.AtollJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny client for tests: one request, the whole answer as text. */
final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final URI base;
    /** Sent as the bearer token; null sends none. */
    private final String token;

    /** A client with the cloud admin's token, which every test cloud knows. */
    Http(URI base) {
        this(base, TestTokens.CLOUD_ADMIN);
    }

    Http(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The same client with another token (null: none). */
    Http as(String token) {
        return new Http(base, token);
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE());
    }

    HttpResponse<String> post(String path, String contentType, String body) {
        var r = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) r.header("Content-Type", contentType);
        return send(r);
    }

    HttpResponse<String> put(String path, String contentType, String body) {
        var r = request(path).PUT(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) r.header("Content-Type", contentType);
        return send(r);
    }

    HttpResponse<String> method(String method, String path) {
        return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    HttpRequest.Builder request(String path) {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (token != null) request.header("Authorization", "Bearer " + token);
        return request;
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        var built = request.build();
        for (int attempt = 1; ; attempt++) {
            try {
                return CLIENT.send(built, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // The server closes a connection whose request body it refused unread (a 413, a 415);
                // the client may already have put that connection back in its pool and send the next
                // POST on it, which then ends before any answer. The JDK retries only GETs on this;
                // the request never reached the server, so sending it again is safe.
                boolean closedUnderUs = String.valueOf(e.getMessage()).contains("received no bytes");
                if (!closedUnderUs || attempt == 3) throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return AtollJson.json().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tree as a client reads it off the wire: numbers lose the Java type they were built with. */
    static JsonNode wire(JsonNode tree) {
        try {
            return AtollJson.json().readTree(AtollJson.json().writeValueAsString(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }
}
