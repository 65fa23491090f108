package dev.atoll.cli.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.atoll.model.json.AtollJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in for the Atoll API on a free loopback port: routes answer canned contract JSON, and
 * every request is recorded so tests can check what the CLI sent. Unknown routes answer 404.
 */
public final class FakeAtoll implements AutoCloseable {

    public record Request(String method, String path, Map<String, String> query, String contentType, String body) {}

    public record Reply(int status, String contentType, String body) {
        public static Reply json(int status, Object value) {
            try {
                String text = value instanceof String s ? s : AtollJson.json().writeValueAsString(value);
                return new Reply(status, "application/json", text);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e);
            }
        }

        public static Reply ok(Object value) {
            return json(200, value);
        }

        public static Reply problem(int status, String detail, String... pathReasonPairs) {
            var body = AtollJson.json().createObjectNode();
            body.put("type", "about:blank")
                    .put("title", "Problem")
                    .put("status", status)
                    .put("detail", detail);
            if (pathReasonPairs.length > 0) {
                var errors = body.putArray("errors");
                for (int i = 0; i < pathReasonPairs.length; i += 2) {
                    errors.addObject().put("path", pathReasonPairs[i]).put("reason", pathReasonPairs[i + 1]);
                }
            }
            return new Reply(status, "application/problem+json", body.toString());
        }

        public static Reply text(String contentType, String body) {
            return new Reply(200, contentType, body);
        }
    }

    private final HttpServer server;
    private final Map<String, Function<Request, Reply>> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FakeAtoll(HttpServer server) {
        this.server = server;
    }

    public static FakeAtoll start() {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            var fake = new FakeAtoll(server);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public String url() {
        return uri().toString();
    }

    public FakeAtoll on(String method, String path, Reply reply) {
        return on(method, path, request -> reply);
    }

    public FakeAtoll on(String method, String path, Function<Request, Reply> handler) {
        routes.put(method + " " + path, handler);
        return this;
    }

    /** Answers the replies in turn; the last one repeats. */
    public FakeAtoll onSequence(String method, String path, Reply... replies) {
        Deque<Reply> queue = new ConcurrentLinkedDeque<>(List.of(replies));
        return on(method, path, request -> queue.size() > 1 ? queue.poll() : queue.peek());
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String method, String path) {
        return requests.stream()
                .filter(r -> r.method().equals(method) && r.path().equals(path))
                .toList();
    }

    /** Requests other than GETs: what changed state. */
    public List<Request> changes() {
        return requests.stream().filter(r -> !r.method().equals("GET")).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            var request = new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    query(exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    body);
            requests.add(request);
            var handler = routes.get(request.method() + " " + request.path());
            Reply reply = handler == null
                    ? Reply.problem(404, "no route " + request.method() + " " + request.path())
                    : handler.apply(request);
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private static Map<String, String> query(String raw) {
        var query = new LinkedHashMap<String, String>();
        if (raw == null || raw.isEmpty()) return query;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A free port with nothing listening on it (bound, then released). */
    public static int closedPort() {
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
