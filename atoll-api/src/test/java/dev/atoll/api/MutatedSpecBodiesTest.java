package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.api.SpecMutations.Mutation;
import dev.atoll.api.SpecMutations.Request;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.spec.SpecWriter;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * A malformed body, an unknown field, a wrong type or an oversized body never gives a 5xx and never
 * reaches the cloud. Valid specs are mutated, read by the real SpecParser and sent to a running
 * server in front of a cloud that records every call that could change something.
 */
class MutatedSpecBodiesTest {
    private static final FakeCloud CLOUD = new FakeCloud();
    private static ApiServer server;
    private static Http http;

    @BeforeContainer
    static void start() {
        server = ApiServer.start(CLOUD, "127.0.0.1", 0, ApiOptions.defaults());
        http = new Http(server.uri());
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Example
    void everyUnmutatedSpecIsCreatedAndReadBackAsParsed() {
        for (String spec : baseSpecs()) {
            CLOUD.reset();
            var response = http.post("/v1/environments", "application/yaml", spec);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            assertThat(Http.json(response).path("environment").path("spec"))
                    .isEqualTo(Http.wire(SpecWriter.toTree(parsed(spec))));
        }
    }

    @Property(tries = 200)
    void aMutatedSpecIsNeverA5xxAndA4xxChangesNothing(
            @ForAll("validSpecs") String spec,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll("requests") Request request) {
        CLOUD.reset();
        String body = SpecMutations.applyAll(spec, mutations);

        var response = request.method().equals("POST")
                ? http.post("/v1/environments", request.contentType(), body)
                : http.put("/v1/environments/shop", request.contentType(), body);

        int status = response.statusCode();
        Statistics.label("status").collect(status / 100 + "xx");
        assertThat(status).as("status for %s", mutations).isLessThan(500);
        if (status >= 400) {
            assertThat(CLOUD.changes()).as("calls after a %d", status).isEmpty();
            assertThat(Http.contentType(response)).startsWith("application/problem+json");
            assertThat(Http.json(response).path("detail").asText()).isNotBlank();
        } else {
            // What the cloud was given is exactly what the body says.
            assertThat(CLOUD.changes()).hasSize(1);
            assertThat(Http.json(response).path("environment").path("spec"))
                    .isEqualTo(Http.wire(SpecWriter.toTree(parsed(body))));
        }
        Statistics.label("status").coverage(checker -> {
            checker.check("2xx").count(c -> c >= 1);
            checker.check("4xx").count(c -> c >= 1);
        });
    }

    private static dev.atoll.model.spec.EnvironmentSpec parsed(String text) {
        // What the server read is the text as it went over the wire: a lone surrogate a mutation
        // inserted is sent as '?', so parse those bytes, not the Java string.
        var sent = new String(
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8);
        return ((SpecResult.Valid) SpecParser.parse(sent)).spec();
    }

    private static List<String> baseSpecs() {
        var specs = new ArrayList<>(SpecTexts.variants("shop"));
        specs.add(SpecTexts.yaml("shop", 3));
        specs.add(SpecTexts.json("shop", 3));
        specs.add("""
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
                """);
        return specs;
    }

    @Provide
    Arbitrary<String> validSpecs() {
        return Arbitraries.of(baseSpecs());
    }

    @Provide
    Arbitrary<Request> requests() {
        return SpecMutations.requests();
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return SpecMutations.mutations();
    }
}
