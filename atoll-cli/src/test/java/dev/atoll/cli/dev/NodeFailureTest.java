package dev.atoll.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.topology.Topologies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that dies is declared down by its site, and its replicas run again on other nodes. */
class NodeFailureTest {
    @TempDir
    Path dataDir;

    static final String SPEC = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: sleepers}
            spec:
              services:
                sleeper:
                  command: [sleep, "600"]
                  replicas: 3
                  placement:
                    sites: [london]
                    antiAffinity: node
            """;

    @Test
    void replicasOfACrashedNodeRunAgainOnTheOtherNodesOfTheSiteWithANewGeneration() throws Exception {
        var spec = ((SpecResult.Valid) SpecParser.parse(SPEC)).spec();
        try (DevCloud cloud = DevCloud.start(Topologies.defaultDev(), dataDir, 1, "127.0.0.1", 0)) {
            try {
                // Two replicas on two of london's three nodes: the third is where a lost one can go.
                cloud.cloud().create(spec.withReplicas("sleeper", 2));
                await().atMost(Duration.ofSeconds(30)).until(() -> ready(cloud));
                InstanceView victim = instances(cloud).getFirst();

                cloud.crashNode("london", victim.node());

                await().atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> {
                            var moved = find(cloud, victim.id());
                            return moved.state() == InstanceState.RUNNING
                                    && !moved.node().equals(victim.node());
                        });
                var moved = find(cloud, victim.id());
                assertThat(moved.generation()).isEqualTo(victim.generation() + 1);
                assertThat(moved.site()).isEqualTo("london");
                assertThat(cloud.cloud().nodes())
                        .filteredOn(n -> n.site().equals("london") && n.name().equals(victim.node()))
                        .extracting(n -> n.state())
                        .containsExactly("down");
                assertThat(cloud.cloud().recentEvents(100))
                        .anyMatch(e -> e.type().equals("node-down"));
                assertThat(instances(cloud)).extracting(InstanceView::node).doesNotHaveDuplicates();
            } finally {
                cloud.stopInstances();
            }
        }
    }

    private static boolean ready(DevCloud cloud) {
        return cloud.cloud()
                .environment("default", "sleepers")
                .map(e -> e.status().equals("ready"))
                .orElse(false);
    }

    private static List<InstanceView> instances(DevCloud cloud) {
        return cloud.cloud().instances("default", "sleepers", null);
    }

    private static InstanceView find(DevCloud cloud, String id) {
        return instances(cloud).stream()
                .filter(i -> i.id().equals(id))
                .findFirst()
                .orElseThrow();
    }
}
