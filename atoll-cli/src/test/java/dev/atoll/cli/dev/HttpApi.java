package dev.atoll.cli.dev;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.model.json.AtollJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A test's view of the REST API: plain HTTP, JSON answers as trees. */
/** A tiny client of the real API with a bearer token (null: none). */
record HttpApi(URI base, HttpClient http, String token) {
    record Answer(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return AtollJson.json().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    static HttpApi at(URI base) {
        return at(base, null);
    }

    static HttpApi at(URI base, String token) {
        return new HttpApi(
                base,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                token);
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Answer post(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer put(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            if (token != null) request.header("Authorization", "Bearer " + token);
            var response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
