package dev.atoll.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Reads a streaming response body on a background thread into text the test can poll. */
final class StreamReader implements AutoCloseable {
    private final StringBuffer text = new StringBuffer();
    private final InputStream body;
    private final Thread thread;
    final HttpResponse<InputStream> response;

    StreamReader(HttpResponse<InputStream> response) {
        this.response = response;
        this.body = response.body();
        this.thread = Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = body.read(buffer)) != -1) text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            } catch (IOException e) {
                // closed by the test
            }
        });
    }

    static StreamReader open(Http http, String path) throws IOException, InterruptedException {
        var response = Http.CLIENT.send(
                http.request(path)
                        .timeout(java.time.Duration.ofMinutes(1))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        return new StreamReader(response);
    }

    String text() {
        return text.toString();
    }

    @Override
    public void close() throws IOException {
        body.close();
        thread.interrupt();
    }
}
