package dev.atoll.api.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.atoll.model.agent.InstanceAssignment;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.agent.NodeAgentPort;
import dev.atoll.wire.tls.CertificateAuthority;
import dev.atoll.wire.tls.Certificates;
import dev.atoll.wire.tls.CloudIdentity;
import dev.atoll.wire.tls.PeerRole;
import dev.atoll.wire.tls.RefusalReason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An agent's HTTP port over TLS: logs and traces only for its site's controllers (site certificates). */
class NodeHttpServerTlsTest {
    private final CertificateAuthority ca = CertificateAuthority.create("test", Instant.now());
    private final CloudIdentity agent = identity(PeerRole.AGENT, "n1");
    private NodeHttpServer server;

    private CloudIdentity identity(PeerRole role, String name) {
        return new CloudIdentity(
                ca.certificate(),
                ca.issueFor(
                        Certificates.newKeyPair(), role, name, Instant.now().minusSeconds(60), Duration.ofHours(1)));
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static final NodeAgentPort NO_INSTANCES = new NodeAgentPort() {
        @Override
        public void assign(Collection<InstanceAssignment> assignments) {}

        @Override
        public void onReport(Consumer<InstanceReport> listener) {}

        @Override
        public void onHeartbeat(Runnable listener) {}

        @Override
        public java.io.InputStream openLog(dev.atoll.model.instance.InstanceId id, long fromOffset) throws IOException {
            throw new java.nio.file.NoSuchFileException(id.display());
        }
    };

    private HttpResponse<String> get(CloudIdentity as, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(as.sslContext())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return client.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void start() {
        server = NodeHttpServer.start(
                "127.0.0.1", 0, () -> Map.of("status", "ok"), () -> "atoll_x 1\n", NO_INSTANCES, null, agent);
    }

    @Test
    void aSiteCertificateReadsTheAgentsPort() throws Exception {
        start();

        var response = get(identity(PeerRole.SITE, "london"), "/v1/logs/default/hello/web/0");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("no log of instance");
    }

    @Test
    void anotherAgentsCertificateIsRefusedWith403AndCounted() throws Exception {
        start();

        var response = get(identity(PeerRole.AGENT, "n2"), "/v1/logs/default/hello/web/0");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("refused: a agent n2 may not read a node's port");
        assertThat(agent.refusals().count(RefusalReason.WRONG_ROLE)).isEqualTo(1);
    }

    @Test
    void healthAndMetricsNeedNoCertificateButLogsDo() throws Exception {
        start();
        CloudIdentity scraper = new CloudIdentity(ca.certificate(), null);

        assertThat(get(scraper, "/metrics").body()).isEqualTo("atoll_x 1\n");
        assertThat(get(scraper, "/healthz").statusCode()).isEqualTo(200);
        assertThat(get(scraper, "/v1/logs/default/hello/web/0").statusCode()).isEqualTo(403);
        assertThat(agent.refusals().count(RefusalReason.NO_CERTIFICATE)).isEqualTo(1);
    }

    @Test
    void aClientWithACertificateOfAnotherCaCannotConnect() {
        start();
        CertificateAuthority other = CertificateAuthority.create("other", Instant.now());
        CloudIdentity foreign = new CloudIdentity(
                other.certificate(),
                other.issueFor(Certificates.newKeyPair(), PeerRole.SITE, "london", Instant.now(), Duration.ofHours(1)));

        assertThatThrownBy(() -> get(foreign, "/metrics")).isInstanceOf(IOException.class);
    }
}
