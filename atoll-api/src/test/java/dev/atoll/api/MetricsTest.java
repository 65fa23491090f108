package dev.atoll.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.instance.InstanceState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

    private final FakeCloud cloud = new FakeCloud();
    private ApiServer server;
    private Http http;

    /** One sample line: metric name, labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    private void start() {
        server = ApiServer.start(cloud, "127.0.0.1", 0);
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private String scrape() {
        var response = http.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static List<Sample> parse(String text) {
        var samples = new ArrayList<Sample>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("sample line %s", line).isTrue();
            var labels = new LinkedHashMap<String, String>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) labels.put(l.group(1), l.group(2));
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return samples;
    }

    private static Map<String, Double> byLabel(List<Sample> samples, String name, String label) {
        var values = new LinkedHashMap<String, Double>();
        samples.stream()
                .filter(s -> s.name().equals(name))
                .forEach(s -> values.put(s.labels().get(label), s.value()));
        return values;
    }

    private static double requests(List<Sample> samples, String method, String route, String status) {
        return samples.stream()
                .filter(s -> s.name().equals("atoll_api_requests_seconds_count"))
                .filter(s -> s.labels().equals(Map.of("method", method, "route", route, "status", status)))
                .mapToDouble(Sample::value)
                .sum();
    }

    @Test
    void metricsAnswersWithPrometheusTextWithoutTheV1Prefix() {
        start();
        var response = http.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.contentType(response)).startsWith("text/plain; version=0.0.4");
        assertThat(response.body()).contains("# TYPE atoll_instances gauge").contains("# TYPE atoll_sites gauge");
        assertThat(http.get("/v1/metrics").statusCode()).isEqualTo(404);
    }

    @Test
    void everyLineOfTheScrapeParsesAsPrometheusText() {
        cloud.withEnvironment(Specs.anEnvironment("shop", 2));
        start();
        http.get("/v1/environments/shop");
        cloud.publish("environment-created", "shop");
        String text = scrape();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                assertThat(line).as("comment line").matches(COMMENT);
            } else {
                assertThat(line).as("sample line").matches(SAMPLE);
            }
        }
        assertThat(parse(text)).isNotEmpty();
    }

    @Test
    void givenSomeRequestsWhenScrapedThenTheTimerCountsThemByRouteTemplateMethodAndStatus() {
        cloud.withEnvironment(Specs.anEnvironment("shop", 2));
        start();
        http.get("/v1/environments/shop");
        http.get("/v1/environments/shop");
        http.get("/v1/environments/nothing");
        http.delete("/v1/environments/nothing");
        http.get("/v1/sites");
        http.get("/v1/no/such/route");

        String text = scrape();
        var samples = parse(text);

        assertThat(requests(samples, "GET", "/v1/environments/{name}", "200")).isEqualTo(2.0);
        assertThat(requests(samples, "GET", "/v1/environments/{name}", "404")).isEqualTo(1.0);
        assertThat(requests(samples, "DELETE", "/v1/environments/{name}", "404"))
                .isEqualTo(1.0);
        assertThat(requests(samples, "GET", "/v1/sites", "200")).isEqualTo(1.0);
        assertThat(requests(samples, "GET", "unmatched", "404")).isEqualTo(1.0);
        assertThat(text).doesNotContain("/v1/environments/shop").doesNotContain("/v1/no/such/route");
        assertThat(text).contains("# TYPE atoll_api_requests_seconds summary");
    }

    @Test
    void instanceGaugesCountTheDefaultTenantsInstancesByEveryStateAndBySite() {
        cloud.withEnvironment(Specs.anEnvironment("shop", 3))
                .withEnvironment(Specs.anEnvironment("blog", "acme", Specs.aService("web", 5)))
                .withInstanceState("shop.web.1", InstanceState.CRASH_LOOPING);
        start();

        var samples = parse(scrape());

        var byState = byLabel(samples, "atoll_instances", "state");
        assertThat(byState.keySet())
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(InstanceState.values())
                        .map(InstanceState::wireName)
                        .toList());
        assertThat(byState).containsEntry("running", 2.0).containsEntry("crash-looping", 1.0);
        assertThat(byState.values().stream().mapToDouble(Double::doubleValue).sum())
                .isEqualTo(3.0);
        assertThat(byLabel(samples, "atoll_instances_by_site", "site"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("london", 2.0, "frankfurt", 1.0));
    }

    @Test
    void siteNodeAndEnvironmentGaugesFollowTheCloudAtEachScrape() {
        start();
        var before = parse(scrape());
        assertThat(byLabel(before, "atoll_sites", "health")).containsExactly(Map.entry("healthy", 2.0));
        assertThat(byLabel(before, "atoll_nodes", "state"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("ready", 2.0, "suspect", 0.0, "down", 0.0));
        assertThat(byLabel(before, "atoll_environments", "status")).containsEntry("deploying", 0.0);

        cloud.withEnvironment(Specs.anEnvironment("shop", 1)).withEnvironment(Specs.anEnvironment("blog", 1));
        var after = parse(scrape());

        assertThat(byLabel(after, "atoll_environments", "status"))
                .containsEntry("deploying", 2.0)
                .containsEntry("ready", 0.0);
        assertThat(byLabel(after, "atoll_instances", "state")).containsEntry("running", 2.0);
    }

    @Test
    void publishedEventsIncrementTheCounterByType() {
        start();
        cloud.publish("instance-started", "shop");
        cloud.publish("instance-started", "shop");
        cloud.publish("environment-created", "shop");

        var events = byLabel(parse(scrape()), "atoll_events_total", "type");

        assertThat(events).containsEntry("instance-started", 2.0).containsEntry("environment-created", 1.0);
    }

    @Test
    void closingTheServerClosesTheEventSubscription() {
        start();
        assertThat(cloud.listeners()).isEqualTo(1);
        server.close();
        server = null;
        assertThat(cloud.listeners()).isZero();
        assertThat(cloud.subscriptionsClosed.get()).isEqualTo(1);
    }
}
