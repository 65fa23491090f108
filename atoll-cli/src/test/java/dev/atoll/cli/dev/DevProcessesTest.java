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

/** `atoll dev --processes`: every site and agent its own OS process, on loopback. */
class DevProcessesTest {
    private static final String SLEEPER = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: sleepers}
            spec:
              services:
                job:
                  command: [sleep, "600"]
                  resources: {cpu: 100m, memory: 16Mi}
                  replicas: 4
            """;

    @TempDir
    Path dir;

    @Test
    void aDeploySentToOneSiteProcessRunsAndIsListedByAnother() throws Exception {
        int base = dev.atoll.cli.testing.FreePorts.range(40);
        StringWriter output = new StringWriter();
        var topology = Topologies.generated(2, 1);
        try (DevProcesses cloud =
                DevProcesses.start(topology, dir, "127.0.0.1", base + 30, base, false, new PrintWriter(output))) {
            ApiClient first = new ApiClient(cloud.apis().get(0), null, cloud.adminToken());
            ApiClient second = new ApiClient(cloud.apis().get(1), null, cloud.adminToken());
            await("both sites see both nodes ready")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> first.nodes(Optional.empty()).stream()
                                    .filter(n -> n.state().equals("ready"))
                                    .count()
                            == 2);

            second.create(SLEEPER, "application/yaml");

            await("4 replicas running, seen from the first site")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> first.instances(Optional.of("sleepers"), Optional.empty()).stream()
                                    .filter(i -> i.state() == InstanceState.RUNNING)
                                    .count()
                            == 4);
            assertThat(first.environment("sleepers").orElseThrow().homeSite())
                    .as("the site the deploy was sent to is its home")
                    .isEqualTo(topology.sites().get(1).site().name());
        }
        assertThat(output.toString()).contains("atoll site").contains("atoll agent");
    }
}
