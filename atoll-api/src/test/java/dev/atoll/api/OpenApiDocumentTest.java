package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.api.openapi.OpenApiDocument;
import dev.atoll.model.json.AtollJson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");
    private ApiServer server;
    private JsonNode document;

    @BeforeEach
    void start() throws Exception {
        server = ApiServer.start(new FakeCloud(), "127.0.0.1", 0);
        var response = new Http(server.uri()).get("/v1/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.contentType(response)).startsWith("application/json");
        document = AtollJson.json().readTree(response.body());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void isAnOpenApi31Document() {
        assertThat(document.path("openapi").asText()).startsWith("3.1");
        assertThat(document.path("info").path("title").asText()).isNotBlank();
        assertThat(OpenApiDocument.bytes()).isNotEmpty();
    }

    @Test
    void everyRegisteredRouteIsDocumentedWithItsParametersAndResponses() {
        List<ApiServer.Route> routes = server.routes();
        assertThat(routes).hasSizeGreaterThanOrEqualTo(13);
        for (var route : routes) {
            JsonNode pathItem = document.path("paths").path(route.path());
            assertThat(pathItem.isObject())
                    .as("path %s is documented", route.path())
                    .isTrue();
            JsonNode operation = pathItem.path(route.method().toLowerCase(Locale.ROOT));
            assertThat(operation.isObject())
                    .as("%s %s is documented", route.method(), route.path())
                    .isTrue();
            assertThat(operation.path("responses").isEmpty())
                    .as("%s %s responses", route.method(), route.path())
                    .isFalse();
            Set<String> params = parameters(pathItem, operation);
            var matcher = PATH_PARAM.matcher(route.path());
            while (matcher.find()) {
                assertThat(params)
                        .as("%s %s documents {%s}", route.method(), route.path(), matcher.group(1))
                        .contains("path:" + matcher.group(1));
            }
            if (route.path().startsWith("/v1/") && !route.path().equals("/v1/openapi.json")) {
                assertThat(params)
                        .as("%s %s documents ?tenant", route.method(), route.path())
                        .contains("query:tenant");
            }
            if (route.method().equals("POST") || route.method().equals("PUT")) {
                assertThat(resolve(operation.path("requestBody"))
                                .path("content")
                                .isEmpty())
                        .as("%s %s documents its body", route.method(), route.path())
                        .isFalse();
            }
        }
    }

    @Test
    void everyDocumentedOperationIsARegisteredRoute() {
        Set<ApiServer.Route> registered = new HashSet<>(server.routes());
        var documented = new ArrayList<ApiServer.Route>();
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    if (!op.getKey().equals("parameters")) {
                        documented.add(new ApiServer.Route(op.getKey().toUpperCase(Locale.ROOT), path.getKey()));
                    }
                }));
        assertThat(registered).containsAll(documented);
    }

    @Test
    void everyReferenceResolves() {
        var refs = new ArrayList<String>();
        collectRefs(document, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }

    private Set<String> parameters(JsonNode pathItem, JsonNode operation) {
        var names = new HashSet<String>();
        for (JsonNode list : List.of(pathItem.path("parameters"), operation.path("parameters"))) {
            list.forEach(p -> {
                JsonNode param = resolve(p);
                names.add(param.path("in").asText() + ":" + param.path("name").asText());
            });
        }
        return names;
    }

    private JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? document.at(node.path("$ref").asText().substring(1)) : node;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) refs.add(e.getValue().asText());
                else collectRefs(e.getValue(), refs);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
