package dev.atoll.cli.hosts;

import static dev.atoll.cli.hosts.CloudOnHosts.instances;
import static dev.atoll.cli.hosts.CloudOnHosts.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.testhosts.RequiresHosts;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole sites lost, each test on its own cloud of three sites of two nodes. */
@RequiresHosts
class SiteLossOnHostsTest {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void whenASiteIsKilledItsInstancesRunOnOtherSitesWithinTenSecondsInsideTheirJurisdictions() {
        try (CloudOnHosts cloud = CloudOnHosts.start("SiteLossOnHostsTest", dir, CloudOnHosts.EUROPE, 2)) {
            ApiClient london = cloud.api("london");
            // Only the UK and DE sites may run it: when frankfurt goes, london must take it all.
            london.create(Specs.web("eu", 6, "GB", "DE"), "application/yaml");
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> running(instances(london, "eu")) == 6);
            long onFrankfurt = instances(london, "eu").stream()
                    .filter(i -> i.site().equals("frankfurt"))
                    .count();
            assertThat(onFrankfurt).isPositive();

            long killedAt = System.nanoTime();
            cloud.killSite("frankfurt");
            await("every replica running at london")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> instances(london, "eu").stream()
                            .allMatch(i -> i.state() == InstanceState.RUNNING
                                    && i.site().equals("london")));
            System.out.printf(
                    "site failure on real hosts: %d replicas of frankfurt running at london after %d ms%n",
                    onFrankfurt, (System.nanoTime() - killedAt) / 1_000_000);
            assertThat(instances(cloud.api("paris"), "eu"))
                    .as("paris (FR) never runs a replica limited to GB and DE")
                    .noneMatch(i -> i.site().equals("paris"));
        }
    }

    @Test
    void whenTheHomeSiteIsKilledABuddyAdoptsTheEnvironmentAndLaterChangesWork() {
        try (CloudOnHosts cloud = CloudOnHosts.start("HomeLossOnHostsTest", dir, CloudOnHosts.EUROPE, 2)) {
            ApiClient london = cloud.api("london");
            london.create(Specs.web("adopted", 4), "application/yaml");
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> running(instances(london, "adopted")) == 4);

            cloud.killSite("london");
            ApiClient paris = cloud.api("paris");
            await("a buddy homes the environment and runs every replica")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(300))
                    .ignoreExceptions()
                    .until(() -> paris.environment("adopted").isPresent()
                            && !paris.environment("adopted").get().homeSite().equals("london")
                            && running(instances(paris, "adopted")) == 4);

            paris.scale("adopted", "web", 5);
            ApiClient frankfurt = cloud.api("frankfurt");
            await("the adopted environment scaled")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> running(instances(frankfurt, "adopted")) == 5);
            assertThat(instances(frankfurt, "adopted")).noneMatch(i -> i.site().equals("london"));
        }
    }
}
