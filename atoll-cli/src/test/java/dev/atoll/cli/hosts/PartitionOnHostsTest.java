package dev.atoll.cli.hosts;

import static dev.atoll.cli.hosts.CloudOnHosts.instances;
import static dev.atoll.cli.hosts.CloudOnHosts.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.testhosts.RequiresHosts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresHosts
class PartitionOnHostsTest {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aPartitionedSiteKeepsItsInstancesRunningAndAfterHealingEveryReplicaRunsOnce() {
        try (CloudOnHosts cloud = CloudOnHosts.start("PartitionOnHostsTest", dir, CloudOnHosts.EUROPE, 2)) {
            ApiClient london = cloud.api("london");
            london.create(Specs.web("split", 6), "application/yaml");
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> running(instances(london, "split")) == 6);
            List<String> atParis = cloud.liveInstanceProcesses().stream()
                    .filter(p -> p.startsWith("paris-"))
                    .toList();
            assertThat(atParis).isNotEmpty();

            cloud.partition("paris");
            await("the others give paris up and run its replicas themselves")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(300))
                    .ignoreExceptions()
                    .until(() -> instances(london, "split").stream()
                                    .allMatch(i -> i.site().equals("london")
                                            || i.site().equals("frankfurt"))
                            && running(instances(london, "split")) == 6);
            assertThat(cloud.liveInstanceProcesses())
                    .as("paris, cut off, keeps running what it ran (autonomy)")
                    .containsAll(atParis);

            cloud.heal("paris");
            try {
                await("after healing, paris stops exactly its superseded replicas")
                        .atMost(Duration.ofSeconds(45))
                        .pollInterval(Duration.ofMillis(300))
                        .ignoreExceptions()
                        .until(() -> cloud.liveInstanceProcesses().size() == 6
                                && running(instances(cloud.api("paris"), "split")) == 6);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                for (String site : List.of("london", "paris")) {
                    try {
                        System.out.println("seen from " + site + ": sites "
                                + cloud.api(site).sites().stream()
                                        .map(s -> s.name() + "=" + s.health())
                                        .toList());
                        System.out.println("  instances "
                                + instances(cloud.api(site), "split").stream()
                                        .map(i -> i.id() + "@" + i.site() + "/" + i.node() + "#" + i.generation() + ":"
                                                + i.state().wireName())
                                        .toList());
                    } catch (RuntimeException failure) {
                        System.out.println("  " + site + " does not answer: " + failure);
                    }
                }
                System.out.println("processes " + cloud.liveInstanceProcesses());
                throw e;
            }
            // Paris is a target like any other again; what matters is that no replica runs twice.
            assertThat(cloud.liveInstanceProcesses().stream()
                            .map(p -> p.substring(p.lastIndexOf('/') + 1))
                            .toList())
                    .as("the replica of every live instance process")
                    .doesNotHaveDuplicates()
                    .hasSize(6);
            assertThat(instances(cloud.api("frankfurt"), "split"))
                    .extracting(InstanceView::id)
                    .doesNotHaveDuplicates()
                    .hasSize(6);
        }
    }
}
