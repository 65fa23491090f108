package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.api.SpecMutations.Mutation;
import dev.atoll.api.SpecMutations.Request;
import dev.atoll.control.cloud.EventLog;
import dev.atoll.control.cloud.FederatedCloud;
import dev.atoll.control.federation.LocalFederation;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.raft.RaftTimings;
import dev.atoll.control.site.SiteCommand;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteState;
import dev.atoll.control.site.SiteStateMachine;
import dev.atoll.model.GeoPoint;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.spec.SpecWriter;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.DeployOutcome;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The same mutated bodies as {@link MutatedSpecBodiesTest}, sent to a server in front of a real
 * in-process cloud: three sites, each a one-member Raft group on disk, and no agents, so instances
 * stay pending or unplaceable. A mutated body never gives a 5xx; a 4xx leaves every site's
 * replicated state, the views and the events as they were; a 2xx leaves the environment readable
 * exactly as sent.
 *
 * <p>One cloud serves every try. Each try uses its own environment name, and everything a try
 * created is deleted (and forgotten by the sites) before the next one starts, so every try begins
 * from a quiet cloud.
 */
class MutatedSpecBodiesAgainstRealCloudTest {
    private static final List<SiteInfo> SITES = List.of(
            new SiteInfo("london", new GeoPoint(51.5, -0.12), "GB", "UK", Set.of()),
            new SiteInfo("frankfurt", new GeoPoint(50.1, 8.68), "DE", "EU", Set.of()),
            new SiteInfo("paris", new GeoPoint(48.86, 2.35), "FR", "EU", Set.of()));
    private static final AtomicInteger TRIES = new AtomicInteger();
    private static final List<CloudEvent> EVENTS = new CopyOnWriteArrayList<>();

    private static Path dataDir;
    private static final List<RaftGroup> rafts = new ArrayList<>();
    private static final List<SiteController> controllers = new ArrayList<>();
    private static FederatedCloud cloud;
    private static ApiServer server;
    private static Http http;

    @BeforeContainer
    static void start() throws Exception {
        // jqwik has no @TempDir; the directory is removed in stop().
        dataDir = Files.createTempDirectory("atoll-api-real-cloud");
        var events = new EventLog(Clock.systemUTC(), 100);
        events.subscribe(EVENTS::add);
        var federation = new LocalFederation();
        for (SiteInfo site : SITES) {
            var raft = RaftGroup.open(
                    site.name(), List.of(site.name() + "-c1"), dataDir, SiteStateMachine::new, RaftTimings.defaults());
            rafts.add(raft);
            var controller = new SiteController(site, raft, Map.of(), Clock.systemUTC(), events, 1);
            controllers.add(controller);
            federation.join(controller);
        }
        for (SiteController c : controllers) c.start(federation, List.of()).get(30, TimeUnit.SECONDS);
        cloud = FederatedCloud.inProcess(controllers, "london", events, Clock.systemUTC(), federation::deadSites);
        server = ApiServer.start(cloud, "127.0.0.1", 0, ApiOptions.defaults());
        TestTokens.registerCloudAdmin(cloud);
        http = new Http(server.uri());
    }

    @AfterContainer
    static void stop() throws IOException {
        if (server != null) server.close();
        controllers.forEach(SiteController::close);
        rafts.forEach(RaftGroup::close);
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @AfterTry
    void deleteEverything() {
        deleteAllEnvironments();
    }

    // --- the property ----------------------------------------------------------------------

    @Property(tries = 100)
    void aMutatedSpecIsNeverA5xxA4xxChangesNothingAndA2xxIsReadable(
            @ForAll("variants") int variant,
            @ForAll boolean targetExists,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll("requests") Request request) {
        String name = "shop-" + TRIES.incrementAndGet();
        if (targetExists) givenAnEnvironment(name);
        String body = SpecMutations.applyAll(SpecTexts.variants(name).get(variant), mutations);
        var before = snapshot();

        var response = request.method().equals("POST")
                ? http.post("/v1/environments", request.contentType(), body)
                : http.put("/v1/environments/" + name, request.contentType(), body);

        int status = response.statusCode();
        Statistics.label("status").collect(status / 100 + "xx");
        assertThat(status).as("status for %s", mutations).isLessThan(500);
        if (status >= 400) {
            assertProblem(response);
            assertThat(snapshot())
                    .as("the cloud after a %d for %s", status, mutations)
                    .isEqualTo(before);
        } else {
            var sent = parsed(body);
            JsonNode environment = Http.json(response).path("environment");
            assertThat(environment.path("name").asText()).isEqualTo(sent.name());
            assertThat(environment.path("tenant").asText()).isEqualTo(sent.tenant());
            var read = http.get("/v1/environments/" + sent.name() + "?tenant="
                    + URLEncoder.encode(sent.tenant(), StandardCharsets.UTF_8));
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(Http.json(read).path("spec")).isEqualTo(Http.wire(SpecWriter.toTree(sent)));
            var keys = new HashSet<>(before.environmentKeys());
            keys.add(SiteState.environmentKey(sent.tenant(), sent.name()));
            assertThat(snapshot().environmentKeys()).isEqualTo(keys);
        }
        Statistics.label("status").coverage(checker -> {
            checker.check("2xx").count(c -> c >= 1);
            checker.check("4xx").count(c -> c >= 1);
        });
    }

    @Provide
    Arbitrary<Integer> variants() {
        return Arbitraries.integers().between(0, SpecTexts.variants("x").size() - 1);
    }

    @Provide
    Arbitrary<Request> requests() {
        return SpecMutations.requests();
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return SpecMutations.mutations();
    }

    // --- examples --------------------------------------------------------------------------

    @Example
    void everyVariantIsCreatedByPostAndReadBackAsSent() {
        var variants = SpecTexts.variants("variant");
        for (int i = 0; i < variants.size(); i++) {
            String body = variants.get(i);
            var response = http.post("/v1/environments", "application/yaml", body);
            assertThat(response.statusCode())
                    .as("variant %d: %s", i, response.body())
                    .isEqualTo(201);
            assertThat(Http.json(response).path("outcome").asText()).isEqualTo("created");
            var read = http.get("/v1/environments/variant");
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(Http.json(read).path("spec")).isEqualTo(Http.wire(SpecWriter.toTree(parsed(body))));
            deleteAllEnvironments();
        }
    }

    @Example
    void anUnknownEnvironmentIs404ForGetDeleteAndScaleAndNothingChanges() {
        givenAnEnvironment("known");
        var acme = http.as(TestTokens.create(cloud, "acme", dev.atoll.model.auth.Role.ADMIN));
        var before = snapshot();

        var get = http.get("/v1/environments/unknown");
        var delete = http.delete("/v1/environments/unknown");
        var scale = http.post("/v1/environments/unknown/services/web/scale", "application/json", "{\"replicas\": 2}");
        var otherTenant = acme.get("/v1/environments/known");
        var unknownService =
                http.post("/v1/environments/known/services/nope/scale", "application/json", "{\"replicas\": 2}");

        for (var response : List.of(get, delete, scale, otherTenant, unknownService)) {
            assertThat(response.statusCode())
                    .as("%s %s", response.request().method(), response.uri())
                    .isEqualTo(404);
            assertProblem(response);
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Example
    void aPutWhoseBodyNamesAnotherEnvironmentIs400NamingMetadataNameAndNothingChanges() {
        givenAnEnvironment("known");
        var before = snapshot();

        var toKnown = http.put(
                "/v1/environments/known",
                "application/yaml",
                SpecTexts.variants("other").get(0));
        var toUnknown = http.put(
                "/v1/environments/other",
                "application/yaml",
                SpecTexts.variants("known").get(1));

        for (var response : List.of(toKnown, toUnknown)) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertProblem(response);
            assertThat(Http.json(response).path("errors").get(0).path("path").asText())
                    .isEqualTo("metadata.name");
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Example
    void aScaleWithABadBodyIs400AndNothingChanges() {
        givenAnEnvironment("known");
        var before = snapshot();

        for (String body : List.of(
                "",
                "{}",
                "{\"replicas\": -1}",
                "{\"replicas\": 1001}",
                "{\"replicas\": \"2\"}",
                "{\"replicas\": 2, \"extra\": 1}",
                "[2]",
                "{\"replicas\": 1e999}")) {
            var response = http.post("/v1/environments/known/services/web/scale", "application/json", body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertProblem(response);
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Example
    void givenUnplaceableReplicasWhenTheServiceIsScaledDownThenOnlyTheWantedReplicasAreListed() {
        http.post("/v1/environments", "application/yaml", SpecTexts.yaml("down", 3));
        // No site has nodes, so every replica ends up unplaceable.
        await().atMost(Duration.ofSeconds(30)).until(() -> states(http.get("/v1/instances?environment=down"))
                .equals(List.of("unplaceable", "unplaceable", "unplaceable")));

        var scaled = http.post("/v1/environments/down/services/web/scale", "application/json", "{\"replicas\": 1}");

        assertThat(scaled.statusCode()).isEqualTo(200);
        var instances = Http.json(http.get("/v1/instances?environment=down"));
        assertThat(instances.findValuesAsText("id")).containsExactly("down.web.0");
        assertThat(Http.json(http.get("/v1/environments/down"))
                        .path("services")
                        .get(0)
                        .path("message")
                        .asText())
                .doesNotContain("down.web.1", "down.web.2");
    }

    private static List<String> states(HttpResponse<String> instances) {
        return Http.json(instances).findValuesAsText("state");
    }

    // --- fixtures ------------------------------------------------------------------------

    /** Every site's replicated state, what the API shows, and how many events were published. */
    record Snapshot(List<SiteState> sites, String environments, String instances, int events) {
        Set<String> environmentKeys() {
            var keys = new HashSet<String>();
            sites.forEach(s -> keys.addAll(s.environments().keySet()));
            return keys;
        }
    }

    private static Snapshot snapshot() {
        // The audit log records refused requests too: that is its job, not a change of the cloud.
        var states = controllers.stream()
                .map(c -> c.read(s -> {
                    var copy = s.deepCopy();
                    copy.audit().clear();
                    return copy;
                }))
                .toList();
        var environments = http.get("/v1/environments");
        var instances = http.get("/v1/instances");
        assertThat(environments.statusCode()).isEqualTo(200);
        assertThat(instances.statusCode()).isEqualTo(200);
        return new Snapshot(states, environments.body(), instances.body(), EVENTS.size());
    }

    /**
     * An environment of one service with no replicas: the sites have nothing to place for it, so it
     * stays as created and a snapshot taken now stays true until someone changes it.
     */
    private static void givenAnEnvironment(String name) {
        var outcome = cloud.create(parsed(SpecTexts.yaml(name, 0)));
        assertThat(outcome).isInstanceOf(DeployOutcome.Created.class);
    }

    private static EnvironmentSpec parsed(String text) {
        // What the server read is the text as it went over the wire: a lone surrogate a mutation
        // inserted is sent as '?', so parse those bytes, not the Java string.
        var sent = new String(
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8);
        return ((SpecResult.Valid) SpecParser.parse(sent)).spec();
    }

    private static void assertProblem(HttpResponse<String> response) {
        assertThat(Http.contentType(response)).startsWith("application/problem+json");
        JsonNode problem = Http.json(response);
        assertThat(problem.path("status").asInt()).isEqualTo(response.statusCode());
        assertThat(problem.path("detail").asText()).isNotBlank();
    }

    /**
     * Deletes every environment of every site and waits until the sites have forgotten them and
     * published that, so no work of one try spills into the next.
     */
    private static void deleteAllEnvironments() {
        int seen = EVENTS.size();
        var deleted = new ArrayList<String>();
        for (SiteController c : controllers) {
            var homed = c.read(s -> List.copyOf(s.environments().values()));
            for (var env : homed) {
                var spec = env.spec();
                // Straight to the site's log: this is clean-up, not the behaviour under test.
                join(c.submit(new SiteCommand.DeleteEnvironment(
                        spec.tenant(), spec.name(), Clock.systemUTC().instant())));
                deleted.add(spec.name());
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            boolean empty = controllers.stream()
                    .allMatch(c -> c.read(s -> s.environments().isEmpty()
                            && s.placements().isEmpty()
                            && s.unplaceable().isEmpty()
                            && s.instances().isEmpty()));
            var forgotten = EVENTS.subList(seen, EVENTS.size()).stream()
                    .filter(e -> e.type().equals("environment-deleted"))
                    .map(CloudEvent::environment)
                    .toList();
            return empty && forgotten.containsAll(deleted);
        });
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
