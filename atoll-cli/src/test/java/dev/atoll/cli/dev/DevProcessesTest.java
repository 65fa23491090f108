package dev.atoll.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.topology.Topologies;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `atoll dev --processes`: every site and agent its own OS process, on loopback, all of it mutual TLS. */
class DevProcessesTest {
    private static final String SLEEPER = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: sleepers}
            spec:
              services:
                job:
                  command: [sh, -c, "echo up; exec sleep 600"]
                  resources: {cpu: 100m, memory: 16Mi}
                  replicas: 4
            """;

    @TempDir
    Path dir;

    private static final String TRACE = "5bf92f3577b34da6a3ce929d0e0e4737";
    private static final String SCALE_TRACE = "6bf92f3577b34da6a3ce929d0e0e4738";

    /** The cloud admin's token of the cloud under test, for the trace routes. */
    private static String token;

    /** Reads sites' APIs (plain HTTP) and agents' ports (HTTPS; traces need a site certificate). */
    private static java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    private static java.util.List<com.fasterxml.jackson.databind.JsonNode> spans(java.net.URI base, String name) {
        return spans(base, TRACE, name);
    }

    /** The spans named {@code name} of {@code trace} that the process at {@code base} kept. */
    private static java.util.List<com.fasterxml.jackson.databind.JsonNode> spans(
            java.net.URI base, String trace, String name) {
        try {
            var response = http.send(
                    java.net.http.HttpRequest.newBuilder(base.resolve("/v1/traces/" + trace))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) return java.util.List.of();
            var found = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
            dev.atoll.model.json.AtollJson.json()
                    .readTree(response.body())
                    .path("spans")
                    .forEach(s -> {
                        if (s.path("name").asText().equals(name)) found.add(s);
                    });
            return found;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDeploySentToOneSiteProcessRunsAndIsListedByAnother() throws Exception {
        int base = dev.atoll.cli.testing.FreePorts.range(40);
        StringWriter output = new StringWriter();
        var topology = Topologies.generated(2, 1);
        try (DevProcesses cloud =
                DevProcesses.start(topology, dir, "127.0.0.1", base + 30, base, false, new PrintWriter(output))) {
            token = cloud.adminToken();
            http = java.net.http.HttpClient.newBuilder()
                    .sslContext(cloud.operatorTls())
                    .build();
            ApiClient first = new ApiClient(cloud.apis().get(0), null, cloud.adminToken());
            ApiClient second = new ApiClient(cloud.apis().get(1), null, cloud.adminToken());
            await("both sites see both nodes ready")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> first.nodes(Optional.empty()).stream()
                                    .filter(n -> n.state().equals("ready"))
                                    .count()
                            == 2);

            // Sent with the caller's trace, so the deploy's spans in every process can be found
            var sent = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            cloud.apis().get(1).resolve("/v1/environments"))
                                    .header("Content-Type", "application/yaml")
                                    .header("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01")
                                    .header("Authorization", "Bearer " + cloud.adminToken())
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(SLEEPER))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);

            await("4 replicas running, seen from the first site")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> first.instances(Optional.of("sleepers"), Optional.empty()).stream()
                                    .filter(i -> i.state() == InstanceState.RUNNING)
                                    .count()
                            == 4);
            // A replica's log, read by its site's controller from the agent's HTTPS port with the site's
            // certificate, reaches the API of either site.
            for (var api : cloud.apis()) {
                await("a replica's log through " + api)
                        .atMost(Duration.ofSeconds(20))
                        .ignoreExceptions()
                        .untilAsserted(() -> {
                            var log = http.send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    api.resolve("/v1/instances/sleepers.job.0/logs"))
                                            .header("Authorization", "Bearer " + token)
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
                            assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
                            assertThat(log.body()).isEqualTo("up\n");
                        });
            }
            assertThat(first.environment("sleepers").orElseThrow().homeSite())
                    .as("the site the deploy was sent to is its home")
                    .isEqualTo(topology.sites().get(1).site().name());

            // And the deploy is one trace across the processes: the home placed under the API's span,
            // the other site answered its offers under the home's, and both agents started replicas
            String home = topology.sites().get(1).site().name();
            String target = topology.sites().get(0).site().name();
            assertThat(spans(cloud.apis().get(1), "atoll.deploy")).hasSize(1);
            assertThat(spans(cloud.apis().get(1), "atoll.place")).hasSize(4);
            assertThat(spans(cloud.apis().get(0), "atoll.offer"))
                    .isNotEmpty()
                    .allSatisfy(o -> assertThat(
                                    o.path("attributes").path("atoll.home").asText())
                            .isEqualTo(home))
                    .allSatisfy(o -> assertThat(
                                    o.path("attributes").path("atoll.site").asText())
                            .isEqualTo(target));
            var agents = java.util.regex.Pattern.compile("health, metrics and logs on (https://\\S+)")
                    .matcher(output.toString())
                    .results()
                    .map(m -> java.net.URI.create(m.group(1)))
                    .toList();
            assertThat(agents).hasSize(2);
            await("every agent traced its replicas' starts")
                    .atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> agents.stream()
                                    .mapToInt(a ->
                                            spans(a, "atoll.instance.start").size())
                                    .sum()
                            == 4);

            // And a scale sent to the other site reaches the home with its trace: the home places the
            // fifth replica in the trace of that request
            var scaled = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            cloud.apis().get(0).resolve("/v1/environments/sleepers/services/job/scale"))
                                    .header("Content-Type", "application/json")
                                    .header("traceparent", "00-" + SCALE_TRACE + "-00f067aa0ba902b7-01")
                                    .header("Authorization", "Bearer " + cloud.adminToken())
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"replicas\": 5}"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
            await("the home placed the new replica in the scale's trace")
                    .atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> spans(cloud.apis().get(1), SCALE_TRACE, "atoll.place")
                                    .size()
                            == 1);
        }
        assertThat(output.toString()).contains("atoll site").contains("atoll agent");
        assertThat(output.toString())
                .as("every site and agent speaks mutual TLS")
                .doesNotContain("internal traffic: plain TCP");
        assertThat(java.util.regex.Pattern.compile("internal traffic: mutual TLS 1.3 as (site|agent) ")
                        .matcher(output.toString())
                        .results()
                        .count())
                .isEqualTo(4);
    }

    @Test
    void aSiteProcessRefusesAndCountsCallersWithoutAValidCertificate() throws Exception {
        int base = dev.atoll.cli.testing.FreePorts.range(20);
        StringWriter output = new StringWriter();
        try (DevProcesses cloud = DevProcesses.start(
                Topologies.generated(1, 1), dir, "127.0.0.1", base + 10, base, false, new PrintWriter(output))) {
            var wire = new java.net.InetSocketAddress("127.0.0.1", base);
            var ca = dev.atoll.wire.tls.CertificateAuthority.load(dir.resolve("ca"));
            var anonymous = new dev.atoll.wire.tls.CloudIdentity(ca.certificate(), null);
            var agentOfIt = new dev.atoll.wire.tls.CloudIdentity(
                    ca.certificate(),
                    ca.issueFor(
                            dev.atoll.wire.tls.Certificates.newKeyPair(),
                            dev.atoll.wire.tls.PeerRole.AGENT,
                            "intruder",
                            java.time.Instant.now().minusSeconds(60),
                            Duration.ofHours(1)));

            // Given a caller with no certificate, one with an agent's certificate offering like a site and
            // heartbeating for another node, and one that does not speak TLS,
            try (var noCert = new dev.atoll.wire.WireCaller(
                            "site",
                            wire,
                            dev.atoll.wire.Hello.of("x", "x"),
                            dev.atoll.wire.WireSettings.defaults(),
                            4,
                            dev.atoll.wire.tls.WireTls.accepting(anonymous, dev.atoll.wire.tls.PeerRole.SITE));
                    var agentCert = new dev.atoll.wire.WireCaller(
                            "site",
                            wire,
                            dev.atoll.wire.Hello.of("x", "x"),
                            dev.atoll.wire.WireSettings.defaults(),
                            4,
                            dev.atoll.wire.tls.WireTls.accepting(agentOfIt, dev.atoll.wire.tls.PeerRole.SITE));
                    var plain = new dev.atoll.wire.WireCaller(
                            "site",
                            wire,
                            dev.atoll.wire.Hello.of("x", "x"),
                            dev.atoll.wire.WireSettings.defaults(),
                            4)) {
                // when they call the site,
                var calls = java.util.List.of(
                        noCert.call("share.auth", new byte[0], Duration.ofSeconds(5)),
                        agentCert.call("site.offer", new byte[0], Duration.ofSeconds(5)),
                        agentCert.call(
                                "agent.heartbeat",
                                "{\"node\": \"n1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                Duration.ofSeconds(5)),
                        plain.call("share.auth", new byte[0], Duration.ofSeconds(5)));
                // then every call fails
                for (var call : calls) {
                    assertThat(call)
                            .failsWithin(Duration.ofSeconds(10))
                            .withThrowableThat()
                            .withRootCauseInstanceOf(dev.atoll.wire.CallFailedException.class);
                }
            }
            // and the site counts each refusal by its reason.
            await("the refusals are counted")
                    .atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(http.send(
                                            java.net.http.HttpRequest.newBuilder(cloud.apis()
                                                            .getFirst()
                                                            .resolve("/metrics"))
                                                    .build(),
                                            java.net.http.HttpResponse.BodyHandlers.ofString())
                                    .body())
                            .contains("atoll_tls_refused_total{reason=\"no-certificate\"} 1.0")
                            .contains("atoll_tls_refused_total{reason=\"wrong-role\"} 2.0")
                            .contains("atoll_tls_refused_total{reason=\"handshake\"} 1.0"));
            assertThat(output.toString()).contains("tls: refused /127.0.0.1:");
        }
    }
}
