package dev.atoll.control.site;

import static dev.atoll.control.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.site.Applied.EnvironmentChanged;
import dev.atoll.control.site.Applied.EnvironmentChanged.Outcome;
import dev.atoll.control.site.Applied.Reservation;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SiteStateMachineTest {
    private final SiteStateMachine machine = new SiteStateMachine();
    private final InstanceId web0 = new InstanceId("default", "hello", "web", 0);

    @Test
    void creatingAnEnvironmentGivesVersionOneAndAnEvent() {
        Applied applied = machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 3)), T0));

        assertThat(applied.response()).isEqualTo(new EnvironmentChanged(Outcome.CREATED, List.of("web"), 1));
        assertThat(applied.events()).extracting(SiteEvent::type).containsExactly("environment-created");
    }

    @Test
    void deployingAnIdenticalSpecChangesNothing() {
        var spec = anEnvironment("hello", aService("web", 3));
        machine.apply(new SiteCommand.PutEnvironment(spec, T0));

        Applied again = machine.apply(new SiteCommand.PutEnvironment(spec, T0.plusSeconds(5)));

        assertThat(again.response()).isEqualTo(new EnvironmentChanged(Outcome.UNCHANGED, List.of(), 1));
        assertThat(again.events()).isEmpty();
        assertThat(machine.<java.time.Instant>read(
                        s -> s.environments().get("default/hello").updatedAt()))
                .isEqualTo(T0);
    }

    @Test
    void scalingKeepsTheTemplateVersionSoNoReplicaIsReplaced() {
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 3)), T0));

        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 5)), T0));

        var env = machine.read(s -> s.environments().get("default/hello"));
        assertThat(env.version()).isEqualTo(2);
        assertThat(env.templateVersions()).containsEntry("web", 1L);
    }

    @Test
    void changingTheCommandBumpsTheTemplateVersion() {
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 3)), T0));
        var changed = aService("web", 3);
        changed = new dev.atoll.model.spec.ServiceSpec(
                "web",
                changed.driver(),
                List.of("sleep", "700"),
                changed.env(),
                changed.resources(),
                changed.ports(),
                changed.health(),
                3,
                changed.restart(),
                changed.placement());

        Applied applied = machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", changed), T0));

        assertThat(applied.response()).isEqualTo(new EnvironmentChanged(Outcome.UPDATED, List.of("web"), 2));
        assertThat(machine.<Map<String, Long>>read(
                        s -> s.environments().get("default/hello").templateVersions()))
                .containsEntry("web", 2L);
    }

    @Test
    void aReservationIsRefusedWhenTheNodeHasNoRoomLeft() {
        machine.apply(new SiteCommand.RegisterNode(aNode("london", "n1", 1000, 1L << 30)));
        var service = aService("web", 2); // 500m each
        var web1 = new InstanceId("default", "hello", "web", 1);
        var web2 = new InstanceId("default", "hello", "web", 2);

        var first = machine.apply(new SiteCommand.ReserveInstance(web0, 1, service, "london", "n1", T0))
                .response();
        var second = machine.apply(new SiteCommand.ReserveInstance(web1, 1, service, "london", "n1", T0))
                .response();
        var third = machine.apply(new SiteCommand.ReserveInstance(web2, 1, service, "london", "n1", T0))
                .response();

        assertThat(first).isEqualTo(new Reservation.Reserved("n1"));
        assertThat(second).isEqualTo(new Reservation.Reserved("n1"));
        assertThat(third).isInstanceOf(Reservation.Refused.class);
        assertThat(machine.<Long>read(s -> s.allocatedOn("n1").cpuMillis())).isEqualTo(1000);
    }

    @Test
    void aNewerGenerationReplacesTheOldCopyInPlace() {
        machine.apply(new SiteCommand.RegisterNode(aNode("london", "n1", 600, 1L << 30)));
        machine.apply(new SiteCommand.ReserveInstance(web0, 1, aService("web", 1), "london", "n1", T0));

        var replaced = machine.apply(new SiteCommand.ReserveInstance(web0, 2, aService("web", 1), "london", "n1", T0));

        assertThat(replaced.response()).isEqualTo(new Reservation.Reserved("n1"));
        assertThat(machine.<Long>read(s -> s.instances().get(web0.key()).generation()))
                .isEqualTo(2);
    }

    @Test
    void reportsOfASupersededGenerationAreIgnored() {
        machine.apply(new SiteCommand.RegisterNode(aNode("london", "n1", 4000, 1L << 30)));
        machine.apply(new SiteCommand.ReserveInstance(web0, 2, aService("web", 1), "london", "n1", T0));

        machine.apply(new SiteCommand.ReportInstance(new InstanceReport(
                web0, 1, InstanceState.RUNNING, Map.of(), Optional.of(42L), Optional.of(T0), 0, "")));

        assertThat(machine.<InstanceState>read(
                        s -> s.instances().get(web0.key()).state()))
                .isEqualTo(InstanceState.PENDING);
    }

    @Test
    void aNodeMarkedDownLosesItsReplicasAndIgnoresItsReportsUntilItIsUp() {
        machine.apply(new SiteCommand.RegisterNode(aNode("london", "n1", 4000, 1L << 30)));
        machine.apply(new SiteCommand.ReserveInstance(web0, 1, aService("web", 1), "london", "n1", T0));

        Applied down = machine.apply(new SiteCommand.MarkNodeDown("n1", "not heard for 1500 ms", T0));
        machine.apply(new SiteCommand.ReportInstance(new InstanceReport(
                web0, 1, InstanceState.RUNNING, Map.of(), Optional.of(42L), Optional.of(T0), 0, "")));

        assertThat(down.events()).extracting(SiteEvent::type).containsExactly("node-down");
        assertThat(machine.<InstanceState>read(
                        s -> s.instances().get(web0.key()).state()))
                .isEqualTo(InstanceState.FAILED);
        assertThat(machine.apply(new SiteCommand.MarkNodeUp("n1")).events())
                .extracting(SiteEvent::type)
                .containsExactly("node-up");
    }

    @Test
    void theControllerLearnsWhichEnvironmentsChangedSinceItLastAsked() {
        machine.apply(new SiteCommand.RegisterNode(aNode("london", "n1", 4000, 1L << 30)));
        assertThat(machine.drainTouched().everything()).isTrue();

        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 2)), T0));
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("other", aService("web", 1)), T0));
        machine.apply(new SiteCommand.ReserveInstance(web0, 1, aService("web", 2), "london", "n1", T0));
        var first = machine.drainTouched();
        machine.apply(new SiteCommand.MarkNodeDown("n1", "not heard", T0));
        var second = machine.drainTouched();
        var third = machine.drainTouched();

        assertThat(first.everything()).isFalse();
        assertThat(first.environments()).containsExactlyInAnyOrder("default/hello", "default/other");
        // A node going down changes what the replicas on it report.
        assertThat(second.environments()).containsExactly("default/hello");
        assertThat(third.environments()).isEmpty();
    }

    @Test
    void theLoadKeptPerNodeIsTheSumOfItsReplicasThroughReservationsReplacementsAndReleases() {
        machine.apply(new SiteCommand.RegisterNode(aNode("london", "n1", 4000, 1L << 30)));
        machine.apply(new SiteCommand.RegisterNode(aNode("london", "n2", 4000, 1L << 30)));
        var web1 = new InstanceId("default", "hello", "web", 1);
        machine.apply(new SiteCommand.ReserveInstance(web0, 1, aService("web", 2), "london", "n1", T0));
        machine.apply(new SiteCommand.ReserveInstance(web1, 1, aService("web", 2), "london", "n1", T0));
        // A newer generation of web0 moves to n2; web1 is released.
        machine.apply(new SiteCommand.ReserveInstance(web0, 2, aService("web", 2), "london", "n2", T0));
        machine.apply(new SiteCommand.MarkNodeDown("n2", "not heard", T0));
        machine.apply(new SiteCommand.ReleaseInstance(web1, 1, null));

        assertThat(machine.loadByNode())
                .isEqualTo(machine.<Map<String, SiteState.NodeLoad>>read(SiteState::loadByNode));
        assertThat(machine.loadByNode()).containsOnlyKeys("n2");
        assertThat(machine.loadByNode().get("n2").instances()).isEqualTo(1);

        var restored = new SiteStateMachine();
        restored.restore(machine.snapshot());
        assertThat(restored.loadByNode()).isEqualTo(machine.loadByNode());
    }

    @Test
    void thePlacementsKeptPerSiteFollowRecordsMovesForgetsAndDeletes() {
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 3)), T0));
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("other", aService("web", 1)), T0));
        var web1 = new InstanceId("default", "hello", "web", 1);
        var web2 = new InstanceId("default", "hello", "web", 2);
        var otherWeb0 = new InstanceId("default", "other", "web", 0);
        machine.apply(new SiteCommand.RecordPlacement(web0, "london", 1, 1));
        machine.apply(new SiteCommand.RecordPlacement(web1, "london", 1, 1));
        machine.apply(new SiteCommand.RecordPlacement(web2, "paris", 1, 1));
        machine.apply(new SiteCommand.RecordPlacement(otherWeb0, "paris", 1, 1));
        // web0 is placed again in paris; web1 is forgotten.
        machine.apply(new SiteCommand.RecordPlacement(web0, "paris", 2, 1));
        machine.apply(new SiteCommand.ForgetPlacement(web1));

        assertThat(placedAt(machine, "london")).isEmpty();
        assertThat(placedAt(machine, "paris"))
                .containsExactly("default/hello.web.0@2", "default/hello.web.2@1", "default/other.web.0@1");

        machine.apply(new SiteCommand.DeleteEnvironment("default", "hello", T0));
        machine.apply(new SiteCommand.ForgetEnvironment("default", "hello"));

        assertThat(placedAt(machine, "paris")).containsExactly("default/other.web.0@1");
        var restored = new SiteStateMachine();
        restored.restore(machine.snapshot());
        assertThat(placedAt(restored, "paris")).containsExactly("default/other.web.0@1");
    }

    @Test
    void theHomeLearnsWhosePlacementsChangedAtWhichSiteOnceAndEverythingAfterARestore() {
        // Given a machine whose placements the home has looked at all of
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 3)), T0));
        var web1 = new InstanceId("default", "hello", "web", 1);
        machine.apply(new SiteCommand.RecordPlacement(web0, "london", 1, 1));
        assertThat(machine.drainChangedPlacements().everything()).isTrue();

        // When web0 moves to paris and web1 is placed at london
        machine.apply(new SiteCommand.RecordPlacement(web0, "paris", 2, 1));
        machine.apply(new SiteCommand.RecordPlacement(web1, "london", 1, 1));

        // Then the home is told which keys changed at each site, once
        var changed = machine.drainChangedPlacements();
        assertThat(changed.everything()).isFalse();
        assertThat(changed.bySite())
                .containsOnlyKeys("london", "paris")
                .containsEntry("paris", Set.of("default/hello.web.0"))
                .containsEntry("london", Set.of("default/hello.web.0", "default/hello.web.1"));
        assertThat(machine.drainChangedPlacements().bySite()).isEmpty();
        // And the same placement recorded again changes nothing
        machine.apply(new SiteCommand.RecordPlacement(web1, "london", 1, 1));
        assertThat(machine.drainChangedPlacements().bySite()).isEmpty();
        // And after a restore it is everything
        machine.restore(machine.snapshot());
        assertThat(machine.drainChangedPlacements().everything()).isTrue();
    }

    /** The index's view of one site, checked against the placements themselves. */
    private static List<String> placedAt(SiteStateMachine machine, String site) {
        return machine.read(state -> {
            var indexed = machine.placementsAt(site).entrySet().stream()
                    .map(e -> e.getKey() + "@" + e.getValue().generation())
                    .toList();
            var grouped = state.placements().entrySet().stream()
                    .filter(e -> e.getValue().site().equals(site))
                    .map(e -> e.getKey() + "@" + e.getValue().generation())
                    .toList();
            assertThat(indexed).isEqualTo(grouped);
            return indexed;
        });
    }

    @Test
    void aRestoredSnapshotCountsAsEverythingChanged() {
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 2)), T0));
        var restored = new SiteStateMachine();
        restored.drainTouched();

        restored.restore(machine.snapshot());

        assertThat(restored.drainTouched().everything()).isTrue();
    }

    @Test
    void snapshotAndRestoreGiveTheSameState() {
        machine.apply(new SiteCommand.RegisterNode(aNode("london", "n1", 4000, 1L << 30)));
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 2)), T0));
        machine.apply(new SiteCommand.ReserveInstance(web0, 1, aService("web", 2), "london", "n1", T0));
        machine.apply(new SiteCommand.RecordPlacement(web0, "london", 1, 1));

        var restored = new SiteStateMachine();
        restored.restore(machine.snapshot());

        assertThat(restored.<SiteState>read(s -> s)).isEqualTo(machine.<SiteState>read(s -> s));
    }

    @Test
    void commandsSurviveTheirEncodingForTheLog() {
        var command = new SiteCommand.ReserveInstance(web0, 3, aService("web", 2), "london", "n1", T0);

        assertThat(SiteCodec.readCommand(SiteCodec.writeCommand(command))).isEqualTo(command);
    }

    @Test
    void anUnplaceableReplicaCountsItsTriesAndIsAnnouncedOnlyWhenItsReasonChanges() {
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 1)), T0));

        var first = machine.apply(new SiteCommand.RecordUnplaceable(web0, "0 of 3 sites fit", T0));
        var again = machine.apply(new SiteCommand.RecordUnplaceable(web0, "0 of 3 sites fit", T0.plusSeconds(2)));
        var other = machine.apply(new SiteCommand.RecordUnplaceable(web0, "no EU site", T0.plusSeconds(6)));

        assertThat(first.events()).extracting(SiteEvent::type).containsExactly("instance-unplaceable");
        assertThat(again.events()).isEmpty();
        assertThat(other.events()).extracting(SiteEvent::message).containsExactly("no EU site");
        var u = machine.read(s -> s.unplaceable().get(web0.key()));
        assertThat(u.attempts()).isEqualTo(3);
        assertThat(u.since()).isEqualTo(T0.plusSeconds(6));
        assertThat(u.retryAt()).isEqualTo(T0.plusSeconds(6 + 8));
        // And a snapshot keeps the count
        var restored = SiteCodec.readState(SiteCodec.writeState(machine.read(s -> s)));
        assertThat(restored.unplaceable().get(web0.key())).isEqualTo(u);
    }
}
