package dev.atoll.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.topology.Topologies;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code atoll dev} serves the meters of its sites, their Raft groups and its nodes at /metrics, and
 * they follow a deploy: placements and their latency, offers by outcome, instances by state and
 * driver at sites and at agents.
 */
class DevCloudMetricsTest {
    @TempDir
    Path dataDir;

    static final String SPEC = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: counted}
            spec:
              services:
                sleeper:
                  command: [sleep, "600"]
                  replicas: 3
                  placement:
                    spread: {across: site, minDomains: 3}
            """;

    @Test
    void aDeployMovesThePlacementOfferAndInstanceMetersOfEverySite() throws Exception {
        var spec = ((SpecResult.Valid) SpecParser.parse(SPEC)).spec();
        try (DevCloud cloud = DevCloud.start(Topologies.defaultDev(), dataDir, 1, "127.0.0.1", 0)) {
            try {
                var api = HttpApi.at(cloud.api().uri(), cloud.adminToken());
                // Given a cloud of three sites where nothing was placed yet
                var before = PrometheusText.parse(api.get("/metrics").body());
                assertThat(before.sum("atoll_placement_seconds_count")).isZero();
                assertThat(before.matching("atoll_offers_total", "site", "london", "outcome", "rejected"))
                        .as("every reason is listed at zero from the start")
                        .hasSize(7);

                // When three replicas are deployed, one per site
                cloud.cloud().create(spec);
                await().atMost(Duration.ofSeconds(30)).until(() -> cloud.cloud()
                        .environment("default", "counted")
                        .map(e -> e.status().equals("ready"))
                        .orElse(false));
                var after = PrometheusText.parse(api.get("/metrics").body());

                // Then the home counted three placements of a deploy, with their latency
                assertThat(after.sum("atoll_placement_seconds_count", "kind", "deploy"))
                        .isEqualTo(3);
                assertThat(after.sum("atoll_placement_seconds_sum", "kind", "deploy"))
                        .isPositive()
                        .isLessThan(30 * 3);
                assertThat(after.sum("atoll_placement_seconds_bucket", "kind", "deploy", "le", "+Inf"))
                        .isEqualTo(3);
                // And three accepted offers at the home, answered by the targets
                assertThat(after.sum("atoll_offers_total", "outcome", "accepted"))
                        .isEqualTo(3);
                assertThat(after.sum("atoll_offers_received_total", "outcome", "accepted"))
                        .isEqualTo(3);
                // And a running process instance at each site and on three agents
                for (String site : new String[] {"london", "frankfurt", "new-york"}) {
                    assertThat(after.sum("atoll_site_instances", "site", site, "state", "running", "driver", "process"))
                            .as("running at %s", site)
                            .isEqualTo(1);
                    assertThat(after.sum("atoll_gossip_members", "site", site)).isEqualTo(3);
                    assertThat(after.sum("atoll_raft_leader", "site", site)).isEqualTo(1);
                    assertThat(after.sum("atoll_raft_term", "site", site)).isGreaterThanOrEqualTo(1);
                    assertThat(after.sum("atoll_raft_commit_index", "site", site))
                            .isGreaterThan(before.sum("atoll_raft_commit_index", "site", site));
                    assertThat(after.matching("atoll_raft_apply_lag", "site", site))
                            .hasSize(1);
                }
                assertThat(after.sum("atoll_agent_instances", "state", "running", "driver", "process"))
                        .isEqualTo(3);
                assertThat(after.matching("atoll_agent_instance_restarts_total"))
                        .hasSize(9);
                assertThat(after.sum("atoll_failure_detections_total")).isZero();
            } finally {
                cloud.stopInstances();
            }
        }
    }
}
