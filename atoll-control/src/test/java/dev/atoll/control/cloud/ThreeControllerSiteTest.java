package dev.atoll.control.cloud;

import static dev.atoll.control.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.LocalFederation;
import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.raft.RaftTimings;
import dev.atoll.control.site.SiteController;
import dev.atoll.control.site.SiteStateMachine;
import dev.atoll.model.view.DeployOutcome;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A site whose state is replicated by three controllers keeps serving when its leader stops. */
class ThreeControllerSiteTest {
    @TempDir
    Path dataDir;

    @Test
    void aSiteOfThreeControllersKeepsEveryEnvironmentAndAcceptsNewOnesAfterItsLeaderStops() throws Exception {
        var site = aSite("london");
        try (RaftGroup raft = RaftGroup.open(
                "london",
                List.of("london-c1", "london-c2", "london-c3"),
                dataDir,
                SiteStateMachine::new,
                RaftTimings.defaults())) {
            var events = new EventLog(Clock.systemUTC(), 100);
            var controller = new SiteController(site, raft, Map.of(), Clock.systemUTC(), events, 1);
            var federation = new LocalFederation();
            federation.join(controller);
            controller
                    .start(federation, List.of(aNode("london", "n1", 4000, 8L << 30)))
                    .get(30, TimeUnit.SECONDS);
            var cloud = FederatedCloud.inProcess(
                    List.of(controller), "london", events, Clock.systemUTC(), federation::deadSites);
            assertThat(cloud.create(anEnvironment("before", aService("web", 1))))
                    .isInstanceOf(DeployOutcome.Created.class);
            String oldLeader = raft.leaderId().orElseThrow();

            raft.stopMember(oldLeader);

            assertThat(cloud.create(anEnvironment("after", aService("web", 1))))
                    .isInstanceOf(DeployOutcome.Created.class);
            assertThat(raft.leaderId()).isPresent().get().isNotEqualTo(oldLeader);
            assertThat(cloud.environments("default")).extracting(e -> e.name()).containsExactly("after", "before");
            controller.close();
        }
    }
}
