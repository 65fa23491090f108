package dev.atoll.cli.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.testhosts.RequiresHosts;
import dev.atoll.testhosts.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Draining a node under load: real sites and agents on hosts, a web service published at the site's
 * ingress, a client sending requests to it without pause while one of the two nodes is drained. The
 * replicas move make-before-break, so not one request fails. The load is bounded and stops by itself.
 */
@RequiresHosts
class DrainOnHostsTest {
    private static final String WEB = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: shop}
            spec:
              services:
                web:
                  command: [sh, -c, 'echo "$ATOLL_INSTANCE on $ATOLL_NODE" > index.html && exec busybox httpd -f -p "$ATOLL_PORT_HTTP"']
                  ports: [http]
                  expose: [{port: http, public: 8080}]
                  health: {http: {path: /index.html, port: http}, interval: 200ms}
                  replicas: 3
                  resources: {cpu: 50m, memory: 32Mi}
                  placement: {sites: [london]}
            """;

    /** The most requests the client sends, and for how long at most: the load stops by itself. */
    private static final int MAX_REQUESTS = 3_000;

    private static final Duration MAX_LOAD = Duration.ofSeconds(90);

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    private CloudOnHosts cloud;

    @AfterEach
    void stop() {
        if (cloud != null) cloud.close();
    }

    @Test
    void drainingANodeUnderLoadMovesItsReplicasOffWithNoFailedRequest() throws Exception {
        assumeThat(TestImages.busyboxPresent())
                .as("needs /bin/busybox (Debian's busybox-static, installed by scripts/install-test-deps)")
                .isTrue();

        // Given a site of two nodes, three web replicas over both, published at the site's ingress
        cloud = CloudOnHosts.start("DrainOnHostsTest", dir, List.of(CloudOnHosts.EUROPE.getFirst()), 2);
        ApiClient london = cloud.api("london");
        london.create(WEB, "application/yaml");
        await("three replicas running")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> running(london) == 3);
        List<InstanceView> before = replicas(london);
        // The node running the most of them.
        String drained = before.stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        InstanceView::node, java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                .entrySet()
                .stream()
                .max(java.util.Map.Entry.comparingByValue())
                .map(java.util.Map.Entry::getKey)
                .orElseThrow();
        long onDrained = before.stream().filter(i -> i.node().equals(drained)).count();
        URI ingress =
                URI.create("http://" + cloud.controllerHost("london").address().getHostAddress() + ":8080/index.html");
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await("the ingress answering")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> get(http, ingress).statusCode() == 200);

        // And a client sending requests to it one after the other
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        long loadStarted = System.nanoTime();
        Thread client = Thread.ofVirtual().start(() -> {
            for (int n = 0;
                    n < MAX_REQUESTS && loading.get() && System.nanoTime() - loadStarted < MAX_LOAD.toNanos();
                    n++) {
                try {
                    var response = get(http, ingress);
                    if (response.statusCode() == 200) ok.incrementAndGet();
                    else failures.add("HTTP " + response.statusCode());
                } catch (Exception e) {
                    failures.add(String.valueOf(e));
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Thread.sleep(1000);

        // When the node that runs them is drained
        long drainAsked = System.nanoTime();
        var answer = london.drain("london", drained, false);
        assertThat(answer.path("outcome").asText()).isEqualTo("draining");
        assertThat(answer.path("instances").asInt()).isEqualTo((int) onDrained);
        await("node " + drained + " empty, every replica running elsewhere")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> instancesOn(london, drained) == 0
                        && running(london) == 3
                        && replicas(london).stream().noneMatch(i -> i.node().equals(drained)));
        long drainedMs = (System.nanoTime() - drainAsked) / 1_000_000;
        Thread.sleep(1000);
        loading.set(false);
        client.join();

        // Then no request failed, and the node is drained and takes nothing while it stays so
        assertThat(failures).as("failed requests").isEmpty();
        assertThat(ok.get()).isGreaterThan(50);
        assertThat(london.nodes(Optional.of("london")).stream()
                        .filter(n -> n.name().equals(drained))
                        .findFirst()
                        .orElseThrow()
                        .state())
                .isEqualTo("draining");
        assertThat(london.events(500).stream().filter(e -> e.type().equals("move-completed")))
                .hasSize((int) onDrained);
        System.out.printf(
                "drain of a node running %d of 3 replicas under load: %d ms to empty it; %d requests at the"
                        + " ingress, %d failed%n",
                onDrained, drainedMs, ok.get(), failures.size());

        // When it is taken back, it takes replicas again
        london.drain("london", drained, true);
        await("node " + drained + " ready again")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> london.nodes(Optional.of("london")).stream()
                        .anyMatch(n -> n.name().equals(drained) && n.state().equals("ready")));
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<InstanceView> replicas(ApiClient api) {
        return api.instances(Optional.of("shop"), Optional.empty());
    }

    private static long running(ApiClient api) {
        return replicas(api).stream()
                .filter(i -> i.state() == InstanceState.RUNNING)
                .count();
    }

    private static int instancesOn(ApiClient api, String node) {
        return api.nodes(Optional.of("london")).stream()
                .filter(n -> n.name().equals(node))
                .findFirst()
                .orElseThrow()
                .instances();
    }
}
