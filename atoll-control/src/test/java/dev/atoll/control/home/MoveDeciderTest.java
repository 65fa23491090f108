package dev.atoll.control.home;

import static dev.atoll.control.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.control.site.SiteState.MoveUnderWay;
import dev.atoll.control.site.SiteState.MoveUnderWay.Phase;
import dev.atoll.control.site.SiteState.ReplicaPlacement;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.rebalance.Move;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The next step of a move, decided from what the home knows: whole results compared. */
class MoveDeciderTest {
    private final InstanceId web0 = new InstanceId("default", "hello", "web", 0);
    private final HomedEnvironment env =
            new HomedEnvironment(anEnvironment("hello", aService("web", 1)), 1, Map.of("web", 1L), T0, T0, false);
    private final Map<String, ReplicaPlacement> atLondon =
            Map.of(web0.key(), new ReplicaPlacement(web0, "london", 1, 1));
    private final Move move = new Move(web0, new Assignment("london", "n1"), new Assignment("paris", null), "test");

    @Test
    void aMoveBeingPlacedIsOfferedToItsDestination() {
        var placing = moveIn(Phase.PLACING, null);

        assertThat(decide(placing, Observed.NOTHING, T0.plusSeconds(1)))
                .containsExactly(new MoveDecider.PlaceCopy(placing));
    }

    @Test
    void theNewCopyRunningSwitchesAndAFailingOneGivesUpSayingWhy() {
        var starting = moveIn(Phase.STARTING, "paris");

        var running = decide(starting, seen("paris", 2, InstanceState.RUNNING), T0.plusSeconds(1));
        var pending = decide(starting, seen("paris", 2, InstanceState.PENDING), T0.plusSeconds(1));
        var failed = decide(starting, seen("paris", 2, InstanceState.FAILED), T0.plusSeconds(1));

        assertThat(running).containsExactly(new MoveDecider.Switch(starting));
        assertThat(pending).isEmpty();
        assertThat(failed).containsExactly(new MoveDecider.GiveUp(starting, "the new instance is failed"));
    }

    @Test
    void aNewCopyNotHealthyInTimeGivesUp() {
        var starting = moveIn(Phase.STARTING, "paris");

        var late = decide(starting, seen("paris", 2, InstanceState.STARTING), T0.plus(MoveDecider.MOVE_TIMEOUT));

        assertThat(late).singleElement().isInstanceOf(MoveDecider.GiveUp.class);
        assertThat(((MoveDecider.GiveUp) late.getFirst()).reason()).contains("not healthy within 60 s");
    }

    @Test
    void aSwitchedMoveReleasesTheOldCopy() {
        var switched = moveIn(Phase.SWITCHED, "paris");

        assertThat(decide(switched, Observed.NOTHING, T0)).containsExactly(new MoveDecider.ReleaseOld(switched));
    }

    @Test
    void aMoveWhoseOriginalWasPlacedAgainGivesUp() {
        var starting = moveIn(Phase.STARTING, "paris");
        var replaced = Map.of(web0.key(), new ReplicaPlacement(web0, "frankfurt", 3, 1));

        var steps = MoveDecider.decide(env, Map.of(web0.key(), starting), replaced, Observed.NOTHING, Set.of(), T0);

        assertThat(steps).containsExactly(new MoveDecider.GiveUp(starting, "the instance was placed again meanwhile"));
    }

    @Test
    void aBusyMoveIsNotDecidedAgain() {
        var placing = moveIn(Phase.PLACING, null);

        var steps = MoveDecider.decide(
                env, Map.of(web0.key(), placing), atLondon, Observed.NOTHING, Set.of(web0.key()), T0);

        assertThat(steps).isEmpty();
    }

    @Test
    void replicasOnADrainingNodeAreToMoveUnlessTheyMoveAlready() {
        var draining = new Observed(
                Map.of(
                        "london",
                        Map.of(
                                web0.key(),
                                new ReplicaStatus(
                                        web0,
                                        1,
                                        "n1",
                                        InstanceState.RUNNING,
                                        false,
                                        Map.of(),
                                        java.util.Optional.empty(),
                                        java.util.Optional.empty(),
                                        0,
                                        "",
                                        true))),
                Set.of());

        assertThat(MoveDecider.drained(atLondon, Map.of(), draining, Set.of()))
                .containsExactly(atLondon.get(web0.key()));
        assertThat(MoveDecider.drained(atLondon, Map.of(web0.key(), moveIn(Phase.PLACING, null)), draining, Set.of()))
                .isEmpty();
        assertThat(MoveDecider.drained(atLondon, Map.of(), seen("london", 1, InstanceState.RUNNING), Set.of()))
                .isEmpty();
    }

    private List<MoveDecider.Step> decide(MoveUnderWay m, Observed observed, java.time.Instant now) {
        return MoveDecider.decide(env, Map.of(web0.key(), m), atLondon, observed, Set.of(), now);
    }

    private MoveUnderWay moveIn(Phase phase, String placedAt) {
        return new MoveUnderWay(move, 1, 2, T0, phase, placedAt, List.of(), false, null);
    }

    private Observed seen(String site, long generation, InstanceState state) {
        return Observed.at(site, Map.of(web0.key(), new ReplicaStatus(web0, generation, "n2", state, false)));
    }
}
