package dev.atoll.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.ImageView;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The Atoll REST API (/v1) as typed calls, over java.net.http. Every call carries the bearer token
 * and, when one was given, {@code ?tenant=}.
 * Failures arrive as {@link ApiException} carrying an {@link ApiFailure}: a problem the API
 * answered, a server that cannot be reached, or a broken exchange.
 */
public final class ApiClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Generous for a loaded 2-core machine; streams (logs -f, events --watch) have none. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final TypeReference<List<SiteView>> SITES = new TypeReference<>() {};
    private static final TypeReference<List<NodeView>> NODES = new TypeReference<>() {};
    private static final TypeReference<List<RemoteEnvironment>> ENVIRONMENTS = new TypeReference<>() {};
    private static final TypeReference<List<InstanceView>> INSTANCES = new TypeReference<>() {};
    private static final TypeReference<List<CloudEvent>> EVENTS = new TypeReference<>() {};

    private final URI server;
    private final String tenant;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper json = AtollJson.json();

    /** {@code server} is the API's base address, e.g. http://127.0.0.1:7070. */
    /** An image upload may be large and its import unpacks and hashes every layer. */
    private static final java.time.Duration UPLOAD_TIMEOUT = java.time.Duration.ofMinutes(10);

    /** A client without a token: enough for /healthz and the API's description, and for tests of the client. */
    public ApiClient(URI server, String tenant) {
        this(server, tenant, null);
    }

    /**
     * @param tenant sent as {@code ?tenant=} when not null; the server acts for the token's tenant
     *     and refuses another
     * @param token sent as {@code Authorization: Bearer} when not null
     */
    public ApiClient(URI server, String tenant, String token) {
        this.server = withoutTrailingSlash(server);
        this.tenant = tenant;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public URI server() {
        return server;
    }

    public String tenant() {
        return tenant;
    }

    // ---- sites and nodes ----

    public JsonNode sitesJson() {
        return getJson("/v1/sites", Map.of());
    }

    public List<SiteView> sites() {
        return convert(sitesJson(), SITES);
    }

    public JsonNode nodesJson(Optional<String> site) {
        return getJson("/v1/nodes", query("site", site));
    }

    public List<NodeView> nodes(Optional<String> site) {
        return convert(nodesJson(site), NODES);
    }

    // ---- environments ----

    public JsonNode environmentsJson() {
        return getJson("/v1/environments", Map.of());
    }

    public List<RemoteEnvironment> environments() {
        return convert(environmentsJson(), ENVIRONMENTS);
    }

    /** The environment's JSON, or empty when the API answers 404. */
    public Optional<JsonNode> environmentJson(String name) {
        var response =
                send(request("/v1/environments/" + segment(name), Map.of()).GET());
        if (response.statusCode() == 404) return Optional.empty();
        return Optional.of(bodyOf(response));
    }

    public Optional<RemoteEnvironment> environment(String name) {
        return environmentJson(name).map(tree -> convert(tree, RemoteEnvironment.class));
    }

    /** POST: creates the environment; a 409 (it exists) arrives as a problem. */
    public DeployReply create(String specText, String contentType) {
        var request = request("/v1/environments", Map.of())
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(specText));
        return convert(bodyOf(send(request)), DeployReply.class);
    }

    /** POST /v1/environments/preview: where the spec's replicas would go now; changes nothing. */
    public JsonNode preview(String specText, String contentType) {
        var request = request("/v1/environments/preview", Map.of())
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(specText));
        return bodyOf(send(request));
    }

    /** PUT: creates or updates the environment named {@code name} (which must match the spec). */
    public DeployReply replace(String name, String specText, String contentType) {
        var request = request("/v1/environments/" + segment(name), Map.of())
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(specText));
        return convert(bodyOf(send(request)), DeployReply.class);
    }

    public DeployReply scale(String environment, String service, int replicas) {
        String body = json.createObjectNode().put("replicas", replicas).toString();
        var request = request(
                        "/v1/environments/" + segment(environment) + "/services/" + segment(service) + "/scale",
                        Map.of())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return convert(bodyOf(send(request)), DeployReply.class);
    }

    /** Asks the environment's home to move one instance to "SITE" or "SITE/NODE"; answers the 202 body. */
    public JsonNode move(String environment, String instance, String to) {
        return postJson(
                "/v1/environments/" + segment(environment) + "/instances/" + segment(instance) + "/move",
                json.createObjectNode().put("to", to));
    }

    /** Drains a node of a site (or takes it back with {@code undo}); answers the 202 body. */
    public JsonNode drain(String site, String node, boolean undo) {
        String path = "/v1/sites/" + segment(site) + "/nodes/" + segment(node) + "/drain";
        if (undo) return bodyOf(send(request(path, Map.of()).DELETE()));
        return postJson(path, json.createObjectNode());
    }

    /**
     * The sites' rebalancing plans ({@code GET /v1/plans}), of one site when given; each over its
     * region of {@code nearestSites} more sites when above 0.
     */
    public JsonNode plansJson(Optional<String> site, int nearestSites) {
        var query = new java.util.LinkedHashMap<String, String>();
        site.ifPresent(s -> query.put("site", s));
        if (nearestSites > 0) query.put("region", Integer.toString(nearestSites));
        return getJson("/v1/plans", query);
    }

    /** Starts applying a site's plan ({@code POST /v1/plans/{site}/apply}); answers the 202 body. */
    public JsonNode applyPlan(String site) {
        return postJson("/v1/plans/" + segment(site) + "/apply", json.createObjectNode());
    }

    /** Asks the API to delete the environment; returns the outcome word it answers ("deleted"). */
    public String delete(String name) {
        JsonNode answer = bodyOf(
                send(request("/v1/environments/" + segment(name), Map.of()).DELETE()));
        return answer.path("outcome").asText("deleted");
    }

    // ---- networks ----

    public JsonNode networksJson() {
        return getJson("/v1/networks", Map.of());
    }

    public Optional<dev.atoll.model.view.NetworkView> network(String name) {
        var response = send(request("/v1/networks/" + segment(name), Map.of()).GET());
        if (response.statusCode() == 404) return Optional.empty();
        return Optional.of(convert(bodyOf(response), dev.atoll.model.view.NetworkView.class));
    }

    // ---- images ----

    public JsonNode imagesJson() {
        return getJson("/v1/images", Map.of());
    }

    public List<ImageView> images() {
        return List.of(convert(imagesJson(), ImageView[].class));
    }

    /** Uploads an image archive to the site this client talks to; the API answers with the image. */
    public ImageView importImage(java.nio.file.Path archive, Optional<String> name) {
        var query = new LinkedHashMap<String, String>();
        name.ifPresent(n -> query.put("name", n));
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.ofFile(archive);
        } catch (java.io.FileNotFoundException e) {
            throw broken("cannot read " + archive + ": no such file");
        }
        var request = request("/v1/images", query)
                .timeout(UPLOAD_TIMEOUT)
                .header("Content-Type", "application/x-tar")
                .POST(body);
        return convert(bodyOf(send(request)), ImageView.class);
    }

    // ---- instances and logs ----

    public JsonNode instancesJson(Optional<String> environment, Optional<String> site) {
        var query = new LinkedHashMap<String, String>();
        environment.ifPresent(e -> query.put("environment", e));
        site.ifPresent(s -> query.put("site", s));
        return getJson("/v1/instances", query);
    }

    public List<InstanceView> instances(Optional<String> environment, Optional<String> site) {
        return convert(instancesJson(environment, site), INSTANCES);
    }

    /**
     * Copies the instance's log from {@code offset} to {@code sink}, flushing as text arrives. With
     * {@code follow} it returns only when the server ends the stream (or the process is stopped).
     */
    public void logs(String instanceId, long offset, boolean follow, Writer sink) {
        var query = new LinkedHashMap<String, String>();
        query.put("offset", Long.toString(offset));
        query.put("follow", Boolean.toString(follow));
        var request = request("/v1/instances/" + segment(instanceId) + "/logs", query);
        if (follow) request.timeout(Duration.ofDays(365));
        var response = sendStreaming(request.GET());
        try (Reader reader = new InputStreamReader(response.body(), StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
                sink.write(buffer, 0, n);
                sink.flush();
            }
        } catch (IOException e) {
            throw broken("the log stream of " + instanceId + " broke: " + e.getMessage());
        }
    }

    // ---- events ----

    public JsonNode eventsJson(int limit) {
        return getJson("/v1/events", Map.of("watch", "false", "limit", Integer.toString(limit)));
    }

    /** The recent events, oldest first. */
    public List<CloudEvent> events(int limit) {
        return convert(eventsJson(limit), EVENTS);
    }

    /**
     * Streams events (first the backlog, or those after {@code since}, then live ones) to {@code
     * sink} until the server ends the stream. Each is the event's JSON tree, as the API sent it.
     * Returns the id of the last event seen (or {@code since}), to reconnect from.
     */
    public OptionalLong watchEvents(OptionalLong since, Consumer<JsonNode> sink) {
        var query = new LinkedHashMap<String, String>();
        since.ifPresent(seq -> query.put("since", Long.toString(seq)));
        var request = request("/v1/events", query)
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofDays(365));
        var response = sendStreaming(request.GET());
        long[] last = {since.orElse(-1)};
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            ServerSentEvents.read(reader, event -> {
                if (event.data().isBlank()) return;
                try {
                    sink.accept(json.readTree(event.data()));
                } catch (JsonProcessingException e) {
                    throw broken("event " + event.id() + " is not JSON: " + e.getOriginalMessage());
                }
                try {
                    if (event.id() != null)
                        last[0] = Math.max(last[0], Long.parseLong(event.id().strip()));
                } catch (NumberFormatException e) {
                    // An id that is not a sequence number cannot be resumed from; keep the last one.
                }
            });
        } catch (IOException e) {
            throw broken("the event stream broke: " + e.getMessage());
        }
        return last[0] < 0 ? OptionalLong.empty() : OptionalLong.of(last[0]);
    }

    /** Reads one event tree the way {@link #events} does. */
    public CloudEvent toEvent(JsonNode tree) {
        return convert(tree, CloudEvent.class);
    }

    // ---- tenants, tokens and the audit log ----

    public JsonNode whoami() {
        return getJson("/v1/whoami", Map.of());
    }

    public JsonNode tenantsJson() {
        return getJson("/v1/tenants", Map.of());
    }

    public JsonNode createTenant(String name) {
        return postJson("/v1/tenants", json.createObjectNode().put("name", name));
    }

    /** Creates a one-time join token at the site answering; the answer carries the token, shown once. */
    public JsonNode createJoinToken(String forRole, String site, String ttl) {
        var body = json.createObjectNode().put("for", forRole).put("ttl", ttl);
        if (site != null) body.put("site", site);
        return postJson("/v1/join-tokens", body);
    }

    /** The tokens of {@code ofTenant} (the caller's own when empty). */
    public JsonNode tokensJson(Optional<String> ofTenant) {
        return getJson("/v1/tokens", query("tenant", ofTenant));
    }

    /** Creates a token; the answer carries the token itself, shown this once. */
    public JsonNode createToken(Optional<String> ofTenant, String role, Optional<String> name) {
        var body = json.createObjectNode().put("role", role);
        ofTenant.ifPresent(t -> body.put("tenant", t));
        name.ifPresent(n -> body.put("name", n));
        return postJson("/v1/tokens", body);
    }

    public JsonNode revokeToken(String id) {
        return bodyOf(send(request("/v1/tokens/" + segment(id), Map.of()).DELETE()));
    }

    public JsonNode auditJson(Optional<String> ofTenant, int limit) {
        var query = new LinkedHashMap<String, String>();
        ofTenant.ifPresent(t -> query.put("tenant", t));
        query.put("limit", Integer.toString(limit));
        return getJson("/v1/audit", query);
    }

    private JsonNode postJson(String path, JsonNode body) {
        var request = request(path, Map.of())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        return bodyOf(send(request));
    }

    // ---- plumbing ----

    private JsonNode getJson(String path, Map<String, String> query) {
        return bodyOf(send(request(path, query).GET()));
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        var all = new LinkedHashMap<>(query);
        if (tenant != null) all.put("tenant", tenant);
        var text = new StringBuilder(server.toString()).append(path);
        char separator = '?';
        for (var entry : all.entrySet()) {
            text.append(separator).append(encode(entry.getKey())).append('=').append(encode(entry.getValue()));
            separator = '&';
        }
        var request = HttpRequest.newBuilder(URI.create(text.toString()))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return exchange(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** For streams: an error status is read whole and thrown; a 2xx body is handed back open. */
    private HttpResponse<InputStream> sendStreaming(HttpRequest.Builder request) {
        var response = exchange(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            try (InputStream body = response.body()) {
                String text = new String(body.readNBytes(1 << 20), StandardCharsets.UTF_8);
                throw new ApiException(problemOf(response.statusCode(), text));
            } catch (IOException e) {
                throw new ApiException(
                        new ApiFailure.Problem(response.statusCode(), "HTTP " + response.statusCode(), "", List.of()));
            }
        }
        return response;
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(request, handler);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw broken("interrupted while waiting for " + server);
            } catch (IOException e) {
                // The server closes a connection whose request body it refused unread (a 413, a 415);
                // the client may have pooled it already and send the next request on it, which then
                // ends before any answer. The JDK tries again only for GETs; the request never
                // reached the server, so sending it again is safe.
                if (closedBeforeAnyAnswer(e) && attempt < 3) continue;
                if (isUnreachable(e)) throw new ApiException(new ApiFailure.Unreachable(server));
                throw broken("the connection to " + server + " failed: " + describe(e));
            } catch (UnresolvedAddressException e) {
                throw new ApiException(new ApiFailure.Unreachable(server));
            }
        }
    }

    static boolean closedBeforeAnyAnswer(IOException e) {
        return String.valueOf(e.getMessage()).contains("received no bytes");
    }

    private JsonNode bodyOf(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status / 100 != 2) throw new ApiException(problemOf(status, response.body()));
        try {
            return json.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw broken(
                    "the answer of " + response.request().uri().getPath() + " is not JSON: " + e.getOriginalMessage());
        }
    }

    /** Reads an application/problem+json body; any other error body becomes its own detail. */
    static ApiFailure.Problem problemOf(int status, String body) {
        JsonNode tree;
        try {
            tree = AtollJson.json().readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            tree = null;
        }
        if (tree == null || !tree.isObject()) {
            String text = body == null ? "" : body.strip();
            if (text.length() > 500) text = text.substring(0, 500) + "...";
            return new ApiFailure.Problem(
                    status, "HTTP " + status, text.isEmpty() ? "the API answered HTTP " + status : text, List.of());
        }
        var errors = new ArrayList<FieldError>();
        for (JsonNode error : tree.path("errors")) {
            errors.add(new FieldError(
                    error.path("path").asText(""), error.path("reason").asText("")));
        }
        String title = tree.path("title").asText("HTTP " + status);
        String detail = tree.path("detail").asText(title);
        return new ApiFailure.Problem(tree.path("status").asInt(status), title, detail, errors);
    }

    private <T> T convert(JsonNode tree, TypeReference<T> type) {
        try {
            return json.convertValue(tree, type);
        } catch (IllegalArgumentException e) {
            throw broken("the API's answer does not follow the contract: " + e.getMessage());
        }
    }

    private <T> T convert(JsonNode tree, Class<T> type) {
        try {
            return json.convertValue(tree, type);
        } catch (IllegalArgumentException e) {
            throw broken("the API's answer does not follow the contract: " + e.getMessage());
        }
    }

    private static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof HttpConnectTimeoutException
                    || t instanceof UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException) return true;
        }
        return false;
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static ApiException broken(String message) {
        return new ApiException(new ApiFailure.Broken(message));
    }

    private static Map<String, String> query(String name, Optional<String> value) {
        return value.map(v -> Map.of(name, v)).orElse(Map.of());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String segment(String text) {
        return encode(text);
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        while (text.endsWith("/")) text = text.substring(0, text.length() - 1);
        return URI.create(text);
    }
}
