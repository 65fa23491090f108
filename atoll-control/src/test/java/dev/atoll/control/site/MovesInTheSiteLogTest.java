package dev.atoll.control.site;

import static dev.atoll.control.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.site.Applied.Reservation;
import dev.atoll.control.site.SiteState.MoveUnderWay.Phase;
import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.rebalance.Move;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Moves as the site's log holds them: at the home (started, placed, switched, ended, refused when
 * the replica is not where the move starts) and at a target that runs both copies of a move between
 * its nodes (the departing copy keeps its room until released; a failed move gives its place back).
 */
class MovesInTheSiteLogTest {
    private final SiteStateMachine machine = new SiteStateMachine();
    private final InstanceId web0 = new InstanceId("default", "hello", "web", 0);
    private final Move toParis = new Move(web0, new Assignment("london", "n1"), new Assignment("paris", null), "test");

    @Test
    void aMoveGoesFromPlacingToSwitchedAndTheNewCopyBecomesThePlacement() {
        // Given web.0 placed at london, generation 1
        givenHomedAndPlacedAtLondon();

        // When a move to paris starts, paris accepts the new copy, it runs, and the old one stops
        var started = machine.apply(new SiteCommand.StartMove(toParis, 1, false, T0));
        var placing = machine.read(s -> s.moves().get(web0.key()));
        machine.apply(new SiteCommand.MovePlaced(web0, 2, "paris", List.of(), null));
        var starting = machine.read(s -> s.moves().get(web0.key()));
        machine.apply(new SiteCommand.SwitchMove(web0, 2, T0.plusSeconds(2)));
        var switched = machine.read(s -> s.moves().get(web0.key()));
        var placementAfterSwitch = machine.read(s -> s.placements().get(web0.key()));
        var ended = machine.apply(new SiteCommand.EndMove(web0, 2, true, "", T0.plusSeconds(3)));

        // Then each step is recorded with its event, and the placement is the new copy
        assertThat(started.response()).isNull();
        assertThat(started.events()).extracting(SiteEvent::type).containsExactly("move-started");
        assertThat(placing.phase()).isEqualTo(Phase.PLACING);
        assertThat(placing.toGeneration()).isEqualTo(2L);
        assertThat(starting.phase()).isEqualTo(Phase.STARTING);
        assertThat(starting.placedAt()).isEqualTo("paris");
        assertThat(switched.phase()).isEqualTo(Phase.SWITCHED);
        assertThat(placementAfterSwitch.site()).isEqualTo("paris");
        assertThat(placementAfterSwitch.generation()).isEqualTo(2L);
        assertThat(ended.events()).extracting(SiteEvent::type).containsExactly("move-completed");
        assertThat(machine.<Boolean>read(s -> s.moves().isEmpty())).isTrue();
    }

    @Test
    void aMoveThatDoesNotStartWhereTheReplicaIsIsRefusedAndChangesNothing() {
        givenHomedAndPlacedAtLondon();

        var wrongGeneration = machine.apply(new SiteCommand.StartMove(toParis, 7, false, T0));
        machine.apply(new SiteCommand.StartMove(toParis, 1, false, T0));
        var twice = machine.apply(new SiteCommand.StartMove(toParis, 1, false, T0));

        assertThat(wrongGeneration.response()).isInstanceOf(Applied.MoveRefused.class);
        assertThat(wrongGeneration.events()).isEmpty();
        assertThat(((Applied.MoveRefused) twice.response()).reason()).contains("already moving");
        assertThat(machine.<Integer>read(s -> s.moves().size())).isEqualTo(1);
    }

    @Test
    void aFailedMoveKeepsTheOriginalPlacementAndSaysSo() {
        givenHomedAndPlacedAtLondon();
        machine.apply(new SiteCommand.StartMove(toParis, 1, false, T0));
        machine.apply(new SiteCommand.MovePlaced(web0, 2, "paris", List.of(), null));

        var failed = machine.apply(new SiteCommand.EndMove(web0, 2, false, "the new instance is failed", T0));

        assertThat(failed.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("move-failed");
            assertThat(e.message()).contains("the new instance is failed").contains("original kept at london/n1");
        });
        var placement = machine.read(s -> s.placements().get(web0.key()));
        assertThat(placement.site()).isEqualTo("london");
        assertThat(placement.generation()).isEqualTo(1);
    }

    @Test
    void aMoveUnderWaySurvivesASnapshotAndRestore() {
        givenHomedAndPlacedAtLondon();
        machine.apply(new SiteCommand.StartMove(toParis, 1, false, T0));
        machine.apply(new SiteCommand.MovePlaced(web0, 2, "paris", List.of(), null));

        var restarted = new SiteStateMachine();
        restarted.restore(machine.snapshot());

        SiteState.MoveUnderWay before = machine.read(s -> s.moves().get(web0.key()));
        SiteState.MoveUnderWay after = restarted.read(s -> s.moves().get(web0.key()));
        assertThat(after).isNotNull().isEqualTo(before);
    }

    @Test
    void aMoveCommandReadsBackFromTheLogAsWritten() {
        var command = new SiteCommand.StartMove(toParis, 1, true, T0);

        assertThat(SiteCodec.readCommand(SiteCodec.writeCommand(command))).isEqualTo(command);
    }

    @Test
    void aTargetRunsBothCopiesOfAMoveBetweenItsNodesUntilTheOldOneIsReleased() {
        // Given web.0 generation 1 running on n1
        machine.apply(new SiteCommand.RegisterNode(aNode("paris", "n1", 1000, 1L << 30)));
        machine.apply(new SiteCommand.RegisterNode(aNode("paris", "n2", 1000, 1L << 30)));
        machine.apply(new SiteCommand.ReserveInstance(web0, 1, aService("web", 1), "london", "n1", T0));

        // When the new copy is reserved on n2, keeping the old one
        var reserved = machine.apply(new SiteCommand.ReserveInstance(
                web0, 2, aService("web", 1), "london", "n2", T0, null, List.of(), true));

        // Then both run: the new one as the replica, the old one departing, each taking its room
        assertThat(reserved.response()).isEqualTo(new Reservation.Reserved("n2"));
        assertThat(machine.<String>read(s -> s.instances().get(web0.key()).node()))
                .isEqualTo("n2");
        assertThat(machine.<String>read(s -> s.departing().get(web0.key()).node()))
                .isEqualTo("n1");
        assertThat(machine.loadByNode()).containsKeys("n1", "n2");
        assertThat(machine.<Integer>read(s -> machine.instancesOn("n1").size())).isEqualTo(1);
        // And the old copy's reports are still taken
        machine.apply(new SiteCommand.ReportInstance(new InstanceReport(
                web0, 1, InstanceState.RUNNING, Map.of(), Optional.empty(), Optional.of(T0), 0, "")));
        assertThat(machine.<InstanceState>read(
                        s -> s.departing().get(web0.key()).state()))
                .isEqualTo(InstanceState.RUNNING);

        // When the home releases generation 1
        machine.apply(new SiteCommand.ReleaseInstance(web0, 1));

        // Then only the new copy is left, on n2
        assertThat(machine.<Boolean>read(s -> s.departing().isEmpty())).isTrue();
        assertThat(machine.<Long>read(s -> s.instances().get(web0.key()).generation()))
                .isEqualTo(2L);
        assertThat(machine.loadByNode()).doesNotContainKey("n1");
    }

    @Test
    void releasingTheNewCopyOfAFailedMoveGivesTheOriginalItsPlaceBack() {
        machine.apply(new SiteCommand.RegisterNode(aNode("paris", "n1", 1000, 1L << 30)));
        machine.apply(new SiteCommand.RegisterNode(aNode("paris", "n2", 1000, 1L << 30)));
        machine.apply(new SiteCommand.ReserveInstance(web0, 1, aService("web", 1), "london", "n1", T0));
        machine.apply(new SiteCommand.ReserveInstance(
                web0, 2, aService("web", 1), "london", "n2", T0, null, List.of(), true));

        machine.apply(new SiteCommand.ReleaseInstance(web0, 2));

        assertThat(machine.<Long>read(s -> s.instances().get(web0.key()).generation()))
                .isEqualTo(1L);
        assertThat(machine.<String>read(s -> s.instances().get(web0.key()).node()))
                .isEqualTo("n1");
        assertThat(machine.<Boolean>read(s -> s.departing().isEmpty())).isTrue();
        assertThat(machine.loadByNode()).containsOnlyKeys("n1");
    }

    @Test
    void aKeptCopyIsNeverReservedOnTheNodeItRunsOn() {
        machine.apply(new SiteCommand.RegisterNode(aNode("paris", "n1", 1000, 1L << 30)));
        machine.apply(new SiteCommand.ReserveInstance(web0, 1, aService("web", 1), "london", "n1", T0));

        var refused = machine.apply(new SiteCommand.ReserveInstance(
                web0, 2, aService("web", 1), "london", "n1", T0, null, List.of(), true));

        assertThat(refused.response()).isInstanceOf(Reservation.Refused.class);
        assertThat(machine.<Long>read(s -> s.instances().get(web0.key()).generation()))
                .isEqualTo(1L);
    }

    @Test
    void aDrainingNodeIsRecordedAndTakenBack() {
        machine.apply(new SiteCommand.RegisterNode(aNode("paris", "n1", 1000, 1L << 30)));

        var drained = machine.apply(new SiteCommand.DrainNode("n1", true));
        boolean draining = machine.read(s -> s.drainingNodes().contains("n1"));
        machine.apply(new SiteCommand.DrainNode("n1", false));
        var unknown = machine.apply(new SiteCommand.DrainNode("n9", true));

        assertThat(draining).isTrue();
        assertThat(drained.events()).extracting(SiteEvent::type).containsExactly("node-draining");
        assertThat(machine.<Boolean>read(s -> s.drainingNodes().isEmpty())).isTrue();
        assertThat(unknown.response()).isInstanceOf(Applied.NotFound.class);
    }

    private void givenHomedAndPlacedAtLondon() {
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 1)), T0));
        machine.apply(new SiteCommand.RecordPlacement(web0, "london", 1, 1));
    }
}
