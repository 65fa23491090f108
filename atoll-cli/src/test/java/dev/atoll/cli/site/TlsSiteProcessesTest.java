package dev.atoll.cli.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.wire.tls.CertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site of three controller processes speaking mutual TLS (each signs its own certificate with the
 * cloud CA), Raft among them over TLS, and an agent that joins with a one-time token made at a
 * follower's API, its CSR signed by whichever controller leads.
 */
class TlsSiteProcessesTest {
    private static final String MARK = "617";

    @TempDir
    Path dir;

    private final SiteProcesses sites = new SiteProcesses(MARK);

    private String adminToken() throws IOException {
        return AdminToken.readOrCreate(dir.resolve("admin-token"), new java.security.SecureRandom());
    }

    @Test
    void threeTlsControllersElectALeaderAndAnAgentJoinsWithATokenMadeAtAFollower() throws Exception {
        var ca = CertificateAuthority.create("test", Instant.now());
        ca.save(dir.resolve("ca"));
        int base = dev.atoll.cli.testing.FreePorts.range(40);
        List<String> wires = List.of("127.0.0.1:" + base, "127.0.0.1:" + (base + 10), "127.0.0.1:" + (base + 20));
        String token = adminToken();
        List<URI> apis = sites.spawnThreeControllers(
                dir,
                wires,
                base + 30,
                "--ca",
                dir.resolve("ca").toString(),
                "--admin-token-file",
                dir.resolve("admin-token").toString());
        int leader = sites.awaitOneLeader(apis, List.of(0, 1, 2));
        int follower = (leader + 1) % 3;
        ApiClient viaFollower = new ApiClient(apis.get(follower), null, token);

        // Given a join token made at a follower's API (kept in the site's log by its leader),
        String joinToken = await("the follower makes a join token")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                        () -> viaFollower
                                .createJoinToken("agent", "london", "10m")
                                .path("token")
                                .asText(),
                        t -> t.startsWith("atoll-join_"));
        // when an agent joins with it, trying every controller,
        sites.spawn(
                "n1",
                List.of(
                        "agent",
                        "--site",
                        "london",
                        "--controller",
                        String.join(",", wires),
                        "--name",
                        "n1",
                        "--capacity",
                        "cpu=2,memory=2Gi",
                        "--data-dir",
                        dir.resolve("n1").toString(),
                        "--http",
                        "127.0.0.1:0",
                        "--stop-instances-on-exit",
                        "--join-token",
                        joinToken,
                        "--ca-fingerprint",
                        ca.fingerprint()));

        // then it is ready and runs what is deployed, all over TLS,
        await("the node is ready")
                .atMost(Duration.ofSeconds(40))
                .ignoreExceptions()
                .until(() -> viaFollower.nodes(Optional.empty()).stream()
                                .filter(n -> n.state().equals("ready"))
                                .count()
                        == 1);
        viaFollower.create("""
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: sleepers}
                spec:
                  services:
                    job:
                      command: [sleep, "%s"]
                      resources: {cpu: 100m, memory: 16Mi}
                      replicas: 2
                """.formatted(MARK), "application/yaml");
        await("2 replicas running")
                .atMost(Duration.ofSeconds(40))
                .ignoreExceptions()
                .until(() -> viaFollower.instances(Optional.of("sleepers"), Optional.empty()).stream()
                                .filter(i -> i.state() == InstanceState.RUNNING)
                                .count()
                        == 2);
        // and the token works no more: another agent presenting it is refused, with the reason.
        var again = dev.atoll.cli.testing.Cli.run(
                "agent",
                "--site",
                "london",
                "--controller",
                String.join(",", wires),
                "--name",
                "n2",
                "--capacity",
                "cpu=1,memory=1Gi",
                "--data-dir",
                dir.resolve("n2").toString(),
                "--networks",
                "off",
                "--join-token",
                joinToken,
                "--ca-fingerprint",
                ca.fingerprint());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("--join-token: joining refused:").contains("was already used");
        assertThat(dir.resolve("n2").resolve("tls")).doesNotExist();
        assertThat(sites.output())
                .contains("[n1] internal traffic: mutual TLS 1.3 as agent n1")
                .contains("[c" + leader + "] internal traffic: mutual TLS 1.3 as site london")
                .doesNotContain("tls: refused");
        assertThat(dir.resolve("n1").resolve("tls").resolve("node.key")).exists();
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        sites.close();
    }
}
