package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A malformed body, an unknown field, a wrong type or an oversized body never gives a 5xx and never
 * changes state. Valid specs are mutated and sent to a running server.
 *
 * <p>Runs with the stand-in reader {@link FakeSpecFormat} until SpecParser is implemented; then it
 * must run with the real parser (swap the reader below).
 */
class MutatedSpecBodiesTest {
    private static final FakeCloud CLOUD = new FakeCloud();
    private static ApiServer server;
    private static Http http;

    @BeforeContainer
    static void start() {
        server = ApiServer.start(
                CLOUD,
                "127.0.0.1",
                0,
                ApiOptions.defaults().withSpecReader(FakeSpecFormat::read).withSpecWriter(FakeSpecFormat::write));
        http = new Http(server.uri());
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    /** One mutation of the text, and a name for reading failures. */
    record Mutation(String name, UnaryOperator<String> apply) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Request(String method, String contentType) {}

    @Property(tries = 200)
    void aMutatedSpecIsNeverA5xxAndA4xxChangesNothing(
            @ForAll("validSpecs") String spec,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll("requests") Request request) {
        CLOUD.reset();
        String body = spec;
        for (var m : mutations) body = m.apply().apply(body);

        var response = request.method().equals("POST")
                ? http.post("/v1/environments", request.contentType(), body)
                : http.put("/v1/environments/shop", request.contentType(), body);

        assertThat(response.statusCode()).as("status for %s", mutations).isLessThan(500);
        if (response.statusCode() >= 400) {
            assertThat(CLOUD.changes())
                    .as("calls after a %d", response.statusCode())
                    .isEmpty();
            assertThat(Http.contentType(response)).startsWith("application/problem+json");
            assertThat(Http.json(response).path("detail").asText()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> validSpecs() {
        return Arbitraries.of(SpecTexts.yaml("shop", 3), SpecTexts.json("shop", 3), """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: shop, tenant: default}
                spec:
                  services:
                    web:
                      command: ["python3", "-m", "http.server", "$ATOLL_PORT_HTTP"]
                      env: {GREETING: hello, DEBUG: "1"}
                      ports: [http]
                      health: {http: {path: /, port: http}, interval: 1s}
                      replicas: 6
                      restart: on-failure
                      placement: {jurisdictions: [EU, UK], spread: {across: site, minDomains: 3}}
                    worker:
                      driver: process
                      command: [sleep, "3600"]
                      resources: {cpu: "0.5", memory: 1Gi}
                      restart: never
                """, """
                {
                  "apiVersion": "atoll/v1",
                  "kind": "Environment",
                  "metadata": {"name": "shop"},
                  "spec": {
                    "services": {
                      "api": {"command": ["./api"], "replicas": 0, "ports": ["http", "admin"],
                              "env": {"A": "1"}, "restart": "always"},
                      "db": {"command": ["./db", "--data", "/tmp"], "resources": {"memory": "256Mi"}}
                    }
                  }
                }
                """);
    }

    @Provide
    Arbitrary<Request> requests() {
        return Combinators.combine(
                        Arbitraries.of("POST", "PUT"),
                        Arbitraries.of(
                                "application/json",
                                "application/yaml",
                                "application/x-yaml",
                                "text/yaml",
                                "text/plain",
                                "application/octet-stream"))
                .as(Request::new)
                .injectDuplicates(0.1);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return mutation().list().ofMinSize(1).ofMaxSize(3);
    }

    private Arbitrary<Mutation> mutation() {
        var at = Arbitraries.integers().between(0, 10_000);
        var garbage = Arbitraries.strings()
                .withChars("{}[]:,\"'\\\n\t -#&*!|>%@?`=~")
                .withCharRange('a', 'z')
                .withCharRange('\u00e0', '\u00ff')
                .withChars('\u0000', '\uffff', '\ud83d')
                .ofMinLength(1)
                .ofMaxLength(20);
        return Arbitraries.oneOf(
                at.map(i -> new Mutation("delete line " + i, t -> deleteLine(t, i))),
                at.map(i -> new Mutation("delete char " + i, t -> t.isEmpty() ? t : deleteChar(t, i))),
                Combinators.combine(at, garbage)
                        .as((i, g) -> new Mutation("insert " + escape(g) + " at " + i, t -> insert(t, i, g))),
                at.map(i -> new Mutation("duplicate line " + i, t -> duplicateLine(t, i))),
                Arbitraries.of(
                        new Mutation(
                                "replicas as text", t -> t.replaceFirst("(\"?replicas\"?:\\s*)\\d+", "$1\"three\"")),
                        new Mutation("replicas as list", t -> t.replaceFirst("(\"?replicas\"?:\\s*)\\d+", "$1[3]")),
                        new Mutation("replicas as map", t -> t.replaceFirst("(\"?replicas\"?:\\s*)\\d+", "$1{n: 3}")),
                        new Mutation("replicas negative", t -> t.replaceFirst("(\"?replicas\"?:\\s*)\\d+", "$1-4")),
                        new Mutation("replicas fractional", t -> t.replaceFirst("(\"?replicas\"?:\\s*)\\d+", "$11.5")),
                        new Mutation("huge number", t -> t.replaceFirst("\\d+", "99999999999999999999999999999999")),
                        new Mutation("huge exponent", t -> t.replaceFirst("\\d+", "1e999999")),
                        new Mutation(
                                "command as text", t -> t.replaceFirst("(\"?command\"?:\\s*)\\[", "$1\"x\", \"y\": [")),
                        new Mutation("driver as number", t -> t.replaceFirst("process", "42")),
                        new Mutation("driver oci", t -> t.replaceFirst("driver: process", "driver: oci")),
                        new Mutation("kind changed", t -> t.replaceFirst("Environment", "Deployment")),
                        new Mutation("name not a label", t -> t.replaceFirst("shop", "Shop_Name!")),
                        new Mutation("name very long", t -> t.replaceFirst("shop", "s".repeat(100_000))),
                        new Mutation("value very long", t -> t.replaceFirst("python3", "p".repeat(500_000))),
                        new Mutation("over one mebibyte", t -> t + "\n#" + "x".repeat(1 << 20)),
                        new Mutation("unknown field (yaml)", t -> t.replaceFirst("kind:", "colour: blue\nkind:")),
                        new Mutation("unknown field (json)", t -> t.replaceFirst("\\{", "{\"colour\": \"blue\", ")),
                        new Mutation("unknown service field", t -> t.replaceFirst("(\"?)command(\"?):", "$1comand$2:")),
                        new Mutation(
                                "duplicate key (yaml)",
                                t -> t.replaceFirst("kind: Environment", "kind: Environment\nkind: Environment")),
                        new Mutation(
                                "duplicate key (json)",
                                t -> t.replaceFirst("\"kind\"", "\"kind\": \"Environment\", \"kind\"")),
                        new Mutation("null document", t -> "null"),
                        new Mutation("empty document", t -> ""),
                        new Mutation("a list", t -> "[" + t + "]"),
                        new Mutation(
                                "yaml anchors",
                                t -> "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b]\n" + t),
                        new Mutation("deep nesting", t -> "[".repeat(5000) + "]".repeat(5000)),
                        new Mutation("truncate half", t -> t.substring(0, t.length() / 2))));
    }

    private static String deleteLine(String text, int i) {
        var lines = text.lines().toList();
        if (lines.isEmpty()) return text;
        int at = i % lines.size();
        var copy = new java.util.ArrayList<>(lines);
        copy.remove(at);
        return String.join("\n", copy);
    }

    private static String duplicateLine(String text, int i) {
        var lines = text.lines().toList();
        if (lines.isEmpty()) return text;
        int at = i % lines.size();
        var copy = new java.util.ArrayList<>(lines);
        copy.add(at, lines.get(at));
        return String.join("\n", copy);
    }

    private static String deleteChar(String text, int i) {
        int at = i % text.length();
        return text.substring(0, at) + text.substring(at + 1);
    }

    private static String insert(String text, int i, String what) {
        int at = text.isEmpty() ? 0 : i % (text.length() + 1);
        return text.substring(0, at) + what + text.substring(at);
    }

    private static String escape(String text) {
        return text.chars()
                .mapToObj(c -> c < 32 || c > 126 ? String.format("\\u%04x", c) : String.valueOf((char) c))
                .reduce("", String::concat);
    }
}
