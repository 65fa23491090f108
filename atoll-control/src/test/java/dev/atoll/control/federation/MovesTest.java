package dev.atoll.control.federation;

import static dev.atoll.control.Fixtures.aService;
import static dev.atoll.control.Fixtures.anEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.MoveOutcome;
import dev.atoll.placement.Assignment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a replica, make before break: the new copy is placed and runs beside the original, the
 * home switches to it, then the original stops; a move whose new copy fails keeps the original; a
 * bad destination is refused and changes nothing; a drained node is emptied.
 */
class MovesTest {
    private static final InstanceId WEB0 = new InstanceId("default", "moving", "web", 0);

    @TempDir
    Path dir;

    private Sites sites;

    @AfterEach
    void stop() {
        if (sites != null) sites.close();
    }

    @Test
    void aReplicaMovesToAnotherSiteAndTheOriginalStopsOnlyAfterTheNewOneRuns() throws Exception {
        // Given one replica running at london or paris, homed at london
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(pinnedTo(Set.of("paris", "london"), 1));
        String from = awaitRunning();
        String fromSite = from.substring(0, from.indexOf('/'));
        String to = fromSite.equals("paris") ? "london" : "paris";

        // When it is moved to the other site
        var outcome = sites.site("london")
                .requestMove(WEB0, new Assignment(to, null), "user asked", false)
                .get();

        // Then the move is under way from where it runs
        assertThat(outcome).isInstanceOf(MoveOutcome.Started.class);
        assertThat(((MoveOutcome.Started) outcome).from()).isEqualTo(from);
        // And it ends with the replica running once, at the other site, one generation on
        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventsOf("move-completed").size() == 1);
        awaitOriginalGone(() -> assertThat(sites.running().get(WEB0.key()))
                .singleElement()
                .asString()
                .startsWith(to + "/")
                .endsWith("@2"));
        // And the original was stopped only after the switch to the new one
        List<String> order = eventsOf(null).stream()
                .filter(e -> WEB0.display().equals(e.instance()))
                .map(e -> e.type() + "@" + e.site())
                .toList();
        assertThat(order)
                .containsSubsequence(
                        "move-started@london",
                        "instance-placed@" + to,
                        "move-placed@london",
                        "move-switched@london",
                        "instance-released@" + fromSite,
                        "move-completed@london");
        assertThat(sites.site("london").<Boolean>read(s -> s.moves().isEmpty())).isTrue();
    }

    @Test
    void aReplicaMovesToAPinnedNodeOfItsOwnSiteWhileItsOriginalKeepsRunning() throws Exception {
        // Given one replica running at paris on one of its two nodes
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(pinnedTo(Set.of("paris"), 1));
        String from = awaitRunning();
        String other = from.endsWith("/n1") ? "n2" : "n1";

        // When it is moved to the other node
        var outcome = sites.site("london")
                .requestMove(WEB0, new Assignment("paris", other), "user asked", false)
                .get();

        // Then it ends running once, on that node, one generation on
        assertThat(outcome).isInstanceOf(MoveOutcome.Started.class);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventsOf("move-completed").size() == 1);
        awaitOriginalGone(() -> assertThat(sites.running().get(WEB0.key())).containsExactly("paris/" + other + "@2"));
        // And paris kept no departing copy
        assertThat(sites.site("paris").<Boolean>read(s -> s.departing().isEmpty()))
                .isTrue();
    }

    @Test
    void aMoveWhoseNewInstanceFailsReleasesItAndKeepsTheOriginal() throws Exception {
        // Given one replica at one site, and the other site, where nothing starts any more
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(pinnedTo(Set.of("paris", "london"), 1));
        String from = awaitRunning();
        String fromSite = from.substring(0, from.indexOf('/'));
        String to = fromSite.equals("paris") ? "london" : "paris";
        sites.agents.get(to).forEach(a -> a.startsFail = true);

        // When it is moved to that other site
        sites.site("london")
                .requestMove(WEB0, new Assignment(to, null), "user asked", false)
                .get();

        // Then the move fails, saying why and that the original is kept
        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventsOf("move-failed").size() == 1);
        assertThat(eventsOf("move-failed").getFirst().message())
                .contains("the new instance is failed")
                .contains("original kept at " + fromSite + "/");
        // And the original runs on, generation 1, with the new copy gone
        await().atMost(Duration.ofSeconds(10))
                .until(() -> List.of(from + "@1").equals(sites.running().get(WEB0.key())));
        var placement = sites.site("london").read(s -> s.placements().get(WEB0.key()));
        assertThat(placement.site()).isEqualTo(fromSite);
        assertThat(placement.generation()).isEqualTo(1);
    }

    @Test
    void aBadDestinationIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
        // Given one replica at paris that may only run at paris
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(pinnedTo(Set.of("paris"), 1));
        String from = awaitRunning();
        String node = from.substring(from.indexOf('/') + 1);
        var london = sites.site("london");

        // When it is moved to a site that does not exist, a node that does not exist, where it is,
        // and to a site its constraints exclude
        var unknownSite = london.requestMove(WEB0, new Assignment("atlantis", null), "x", false)
                .get();
        var unknownNode = london.requestMove(WEB0, new Assignment("paris", "n9"), "x", false)
                .get();
        var samePlace = london.requestMove(WEB0, new Assignment("paris", node), "x", false)
                .get();
        var excluded = london.requestMove(WEB0, new Assignment("london", null), "x", false)
                .get();
        var unknownInstance = london.requestMove(
                        new InstanceId("default", "moving", "web", 7), new Assignment("london", null), "x", false)
                .get();

        // Then each is refused with the field and the reason
        assertThat(errorOf(unknownSite).path()).isEqualTo("to.site");
        assertThat(errorOf(unknownSite).reason())
                .contains("no site \"atlantis\"")
                .contains("london, paris");
        assertThat(errorOf(unknownNode).path()).isEqualTo("to.node");
        assertThat(errorOf(unknownNode).reason()).contains("no node \"n9\"");
        assertThat(errorOf(samePlace).path()).isEqualTo("to.node");
        assertThat(errorOf(samePlace).reason()).contains("already runs on");
        assertThat(errorOf(excluded).path()).isEqualTo("to.site");
        assertThat(errorOf(excluded).reason()).isNotBlank();
        assertThat(unknownInstance).isInstanceOf(MoveOutcome.NotFound.class);
        // And nothing changed: no move recorded, the replica where it was
        assertThat(london.<Boolean>read(s -> s.moves().isEmpty())).isTrue();
        assertThat(eventsOf("move-started")).isEmpty();
        assertThat(sites.running().get(WEB0.key())).containsExactly(from + "@1");
    }

    @Test
    void aDrainedNodeIsEmptiedIntoItsSiteAndTakesNoNewReplicas() throws Exception {
        // Given three replicas at paris spread over its two nodes
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(pinnedTo(Set.of("paris"), 3));
        await().atMost(Duration.ofSeconds(20)).until(() -> sites.running().size() == 3);

        // When paris drains n1
        var outcome = sites.site("paris").drainNode("n1", true).get();

        // Then every replica ends on n2, and none on n1
        assertThat(outcome).isInstanceOf(MoveOutcome.Draining.class);
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        sites.running().values().stream().flatMap(List::stream).allMatch(c -> c.startsWith("paris/n2@"))
                                && sites.running().size() == 3
                                && sites.site("london")
                                        .<Boolean>read(s -> s.moves().isEmpty()));
        // And a scale up places nothing on n1 while it drains
        sites.cloud.scale("default", "moving", "web", 4);
        await().atMost(Duration.ofSeconds(20)).until(() -> sites.running().size() == 4);
        assertThat(sites.running().values().stream().flatMap(List::stream)).allMatch(c -> c.startsWith("paris/n2@"));

        // When it is taken back, it takes replicas again
        sites.site("paris").drainNode("n1", false).get();
        assertThat(sites.site("paris").<Boolean>read(s -> s.drainingNodes().isEmpty()))
                .isTrue();
    }

    @Test
    void theCloudMovesAnInstanceNamedByTheUserThroughItsHomeAndRefusesBadNames() throws Exception {
        // Given one replica at paris, homed at london, asked of the cloud (any site answers)
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(pinnedTo(Set.of("paris"), 1));
        String from = awaitRunning();
        String other = from.endsWith("/n1") ? "n2" : "n1";

        // When a user asks with a bad instance, a bad destination, another environment, then a good one
        var badInstance = sites.cloud.move("default", "moving", "web", "paris");
        var badTo = sites.cloud.move("default", "moving", "web.0", "paris/n1/x");
        var noSuchEnvironment = sites.cloud.move("default", "elsewhere", "web.0", "paris");
        var noSuchReplica = sites.cloud.move("default", "moving", "web.3", "paris");
        var good = sites.cloud.move("default", "moving", "moving.web.0", "paris/" + other);

        // Then the bad ones name the field, or are not found, and the good one runs to its end
        assertThat(errorOf(badInstance).path()).isEqualTo("instance");
        assertThat(errorOf(badTo).path()).isEqualTo("to");
        assertThat(noSuchEnvironment).isInstanceOf(MoveOutcome.NotFound.class);
        assertThat(noSuchReplica).isInstanceOf(MoveOutcome.NotFound.class);
        assertThat(good).isInstanceOf(MoveOutcome.Started.class);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventsOf("move-completed").size() == 1);
        awaitOriginalGone(() -> assertThat(sites.running().get(WEB0.key())).containsExactly("paris/" + other + "@2"));
    }

    @Test
    void aMicroVmMovesLiveItsNewCopyWaitsForTheMemoryTheOriginalSends() throws Exception {
        // Given a micro-VM running at one site
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(microVm(Set.of("paris", "london")));
        String from = awaitRunning();
        String fromSite = from.substring(0, from.indexOf('/'));
        String to = fromSite.equals("paris") ? "london" : "paris";

        // When it is moved to the other site
        sites.site("london")
                .requestMove(WEB0, new Assignment(to, null), "user asked", false)
                .get();

        // Then the destination waited for the memory, the original sent it there, and the move ended
        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventsOf("move-completed").size() == 1);
        var sent = sites.agents.get(fromSite).stream()
                .flatMap(a -> a.migrations.stream())
                .toList();
        assertThat(sent).singleElement().asString().startsWith(WEB0.key() + "@1->");
        var incoming =
                sites.agents.get(to).stream().flatMap(a -> a.starts.stream()).toList();
        assertThat(incoming).containsExactly(WEB0.key() + "@2");
        assertThat(eventsOf("instance-migrating")).hasSize(1);
        awaitOriginalGone(() -> assertThat(sites.running().get(WEB0.key()))
                .singleElement()
                .asString()
                .startsWith(to + "/")
                .endsWith("@2"));
    }

    @Test
    void aMicroVmWhoseMemoryNeverArrivesIsGivenUpAndTheOriginalKept() throws Exception {
        // Given a micro-VM, and a destination whose copy fails before it gets the memory
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(microVm(Set.of("paris", "london")));
        String from = awaitRunning();
        String fromSite = from.substring(0, from.indexOf('/'));
        String to = fromSite.equals("paris") ? "london" : "paris";
        sites.agents.get(to).forEach(a -> a.startsFail = true);

        // When it is moved there
        sites.site("london")
                .requestMove(WEB0, new Assignment(to, null), "user asked", false)
                .get();

        // Then the move fails and the original runs on, never restarted
        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventsOf("move-failed").size() == 1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> List.of(from + "@1").equals(sites.running().get(WEB0.key())));
        // (its site may have been told to send the memory before the failure was known: nobody took it)
        assertThat(sites.agents.get(fromSite).stream().flatMap(a -> a.starts.stream()))
                .containsExactly(WEB0.key() + "@1");
    }

    @Test
    void aFailedMoveBetweenNodesOfOneSiteKeepsTheOriginalRunningThere() throws Exception {
        // Given one replica at paris, and paris's other node, where nothing starts any more
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(pinnedTo(Set.of("paris"), 1));
        String from = awaitRunning();
        String other = from.endsWith("/n1") ? "n2" : "n1";
        sites.agents.get("paris").stream()
                .filter(a -> a.node.name().equals(other))
                .forEach(a -> a.startsFail = true);

        // When it is moved to that node
        sites.site("london")
                .requestMove(WEB0, new Assignment("paris", other), "user asked", false)
                .get();

        // Then the move fails, and the original runs on, never stopped nor placed again
        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventsOf("move-failed").size() == 1);
        Thread.sleep(1500); // reports of the failed copy still on their way must not stop the original
        assertThat(sites.running().get(WEB0.key())).containsExactly(from + "@1");
        assertThat(sites.site("paris").<Boolean>read(s -> s.departing().isEmpty()))
                .isTrue();
        assertThat(sites.starts())
                .filteredOn(st -> st.endsWith(WEB0.key() + "@1"))
                .hasSize(1);
    }

    @Test
    void aMicroVmMovesLiveBetweenNodesOfOneSite() throws Exception {
        sites = Sites.start(dir, 2, "london", "paris");
        sites.cloud.create(microVm(Set.of("paris")));
        String from = awaitRunning();
        String other = from.endsWith("/n1") ? "n2" : "n1";

        sites.site("london")
                .requestMove(WEB0, new Assignment("paris", other), "user asked", false)
                .get();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventsOf("move-completed").size() == 1);
        awaitOriginalGone(() -> assertThat(sites.running().get(WEB0.key())).containsExactly("paris/" + other + "@2"));
        assertThat(sites.agents.get("paris").stream().flatMap(a -> a.migrations.stream()))
                .singleElement()
                .asString()
                .startsWith(WEB0.key() + "@1->");
    }

    /**
     * "move-completed" is recorded once the original's site has released it; that site tells the
     * node to stop it afterwards, off the log, so what the nodes run is checked until it has.
     */
    private static void awaitOriginalGone(ThrowingRunnable copiesAsExpected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(copiesAsExpected);
    }

    private static EnvironmentSpec microVm(Set<String> allowed) {
        var spec = pinnedTo(allowed, 1);
        ServiceSpec s = spec.services().get("web");
        return anEnvironment(
                "moving",
                new ServiceSpec(
                        s.name(),
                        dev.atoll.model.spec.DriverKind.MICROVM,
                        s.command(),
                        s.env(),
                        s.resources(),
                        s.ports(),
                        s.health(),
                        s.replicas(),
                        s.restart(),
                        s.placement()));
    }

    private static FieldError errorOf(MoveOutcome outcome) {
        assertThat(outcome).isInstanceOf(MoveOutcome.Rejected.class);
        return ((MoveOutcome.Rejected) outcome).errors().getFirst();
    }

    private List<CloudEvent> eventsOf(String type) {
        return sites.cloud.recentEvents(1000).stream()
                .filter(e -> type == null || e.type().equals(type))
                .toList();
    }

    /** Waits until the home sees web.0 running; answers its site/node. */
    private String awaitRunning() {
        await().atMost(Duration.ofSeconds(20)).until(() -> whereRuns() != null);
        return whereRuns();
    }

    private String whereRuns() {
        for (var bySite : sites.site("london").observedReplicas().entrySet()) {
            var status = bySite.getValue().get(WEB0.key());
            if (status != null && status.state() == dev.atoll.model.instance.InstanceState.RUNNING)
                return bySite.getKey() + "/" + status.node();
        }
        return null;
    }

    private static EnvironmentSpec pinnedTo(Set<String> allowed, int replicas) {
        ServiceSpec s = aService("web", replicas);
        var intent = new PlacementIntent(
                Set.of(),
                Set.of(),
                allowed,
                Set.of(),
                Set.of(),
                Set.of(),
                List.of(),
                Optional.empty(),
                PlacementIntent.AntiAffinity.NONE,
                PlacementIntent.Strategy.SPREAD);
        return anEnvironment(
                "moving",
                new ServiceSpec(
                        s.name(),
                        s.driver(),
                        s.command(),
                        s.env(),
                        s.resources(),
                        s.ports(),
                        s.health(),
                        replicas,
                        s.restart(),
                        intent));
    }
}
