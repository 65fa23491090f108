package dev.atoll.cli.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.testhosts.JavaCommand;
import dev.atoll.wire.tls.CertificateAuthority;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final StringWriter output = new StringWriter();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private String adminToken() throws IOException {
        return AdminToken.readOrCreate(dir.resolve("admin-token"), new java.security.SecureRandom());
    }

    @Test
    void threeTlsControllersElectALeaderAndAnAgentJoinsWithATokenMadeAtAFollower() throws Exception {
        var ca = CertificateAuthority.create("test", Instant.now());
        ca.save(dir.resolve("ca"));
        int base = dev.atoll.cli.testing.FreePorts.range(40);
        List<String> wires = List.of("127.0.0.1:" + base, "127.0.0.1:" + (base + 10), "127.0.0.1:" + (base + 20));
        List<URI> apis = new ArrayList<>();
        String token = adminToken();
        for (int i = 0; i < 3; i++) {
            int api = base + 30 + i;
            apis.add(URI.create("http://127.0.0.1:" + api));
            List<String> peers = new ArrayList<>(wires);
            peers.remove(i);
            spawn(
                    "c" + i,
                    List.of(
                            "site",
                            "--name",
                            "london",
                            "--lat",
                            "51.51",
                            "--lon",
                            "-0.13",
                            "--country",
                            "GB",
                            "--listen",
                            wires.get(i),
                            "--api",
                            "127.0.0.1:" + api,
                            "--peers",
                            String.join(",", peers),
                            "--ca",
                            dir.resolve("ca").toString(),
                            "--data-dir",
                            dir.resolve("c" + i).toString(),
                            "--admin-token-file",
                            dir.resolve("admin-token").toString()));
        }
        int leader = awaitOneLeader(apis);
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
        spawn(
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
        assertThat(output.toString())
                .contains("[n1] internal traffic: mutual TLS 1.3 as agent n1")
                .contains("[c" + leader + "] internal traffic: mutual TLS 1.3 as site london")
                .doesNotContain("tls: refused");
        assertThat(dir.resolve("n1").resolve("tls").resolve("node.key")).exists();
    }

    private int awaitOneLeader(List<URI> apis) {
        int[] found = new int[1];
        await("one controller acts as the site")
                .atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    List<Integer> leaders = new ArrayList<>();
                    for (int i = 0; i < apis.size(); i++) {
                        if (leads(apis.get(i))) leaders.add(i);
                    }
                    if (leaders.size() != 1) return false;
                    found[0] = leaders.getFirst();
                    return true;
                });
        return found[0];
    }

    private boolean leads(URI api) {
        try {
            var response = http.send(
                    HttpRequest.newBuilder(api.resolve("/metrics"))
                            .timeout(Duration.ofSeconds(1))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body().lines().anyMatch(l -> l.startsWith("atoll_site_leader ") && l.endsWith(" 1.0"));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void spawn(String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(JavaCommand.of(dev.atoll.cli.Main.class, args.toArray(String[]::new)));
        command.add(1, "-Xmx200m");
        command.add(1, "--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) command.add(1, "--sun-misc-unsafe-memory-access=allow");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.put(name, process);
        Thread.ofVirtual().name("output-" + name).start(() -> {
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (output) {
                        new PrintWriter(output)
                                .append("[" + name + "] " + line + "\n")
                                .flush();
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        processes.values().forEach(Process::destroy);
        for (Process p : processes.values()) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").endsWith("sleep " + MARK))
                .forEach(ProcessHandle::destroyForcibly);
        System.out.println(output);
    }
}
