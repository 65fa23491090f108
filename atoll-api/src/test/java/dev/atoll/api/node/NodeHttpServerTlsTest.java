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

/** An agent's HTTP port over mutual TLS: only its site's controllers (site certificates) read it. */
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

        var response = get(identity(PeerRole.SITE, "london"), "/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("atoll_x 1\n");
    }

    @Test
    void anotherAgentsCertificateIsRefusedWith403AndCounted() throws Exception {
        start();

        var response = get(identity(PeerRole.AGENT, "n2"), "/metrics");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("refused: a agent n2 may not read a node's port");
        assertThat(agent.refusals().count(RefusalReason.WRONG_ROLE)).isEqualTo(1);
    }

    @Test
    void aClientWithoutACertificateOrOfAnotherCaCannotConnect() {
        start();
        CloudIdentity anonymous = new CloudIdentity(ca.certificate(), null);
        CertificateAuthority other = CertificateAuthority.create("other", Instant.now());
        CloudIdentity foreign = new CloudIdentity(
                other.certificate(),
                other.issueFor(Certificates.newKeyPair(), PeerRole.SITE, "london", Instant.now(), Duration.ofHours(1)));

        assertThatThrownBy(() -> get(anonymous, "/metrics")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(foreign, "/metrics")).isInstanceOf(IOException.class);
    }
}
