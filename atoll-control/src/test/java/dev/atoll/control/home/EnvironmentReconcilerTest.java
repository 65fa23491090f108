package dev.atoll.control.home;

import static dev.atoll.control.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.control.site.SiteState.ReplicaPlacement;
import dev.atoll.control.site.SiteState.Unplaceable;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvironmentReconcilerTest {
    private static InstanceId web(int index) {
        return new InstanceId("default", "hello", "web", index);
    }

    private static HomedEnvironment env(int replicas, long version, long templateVersion) {
        return new HomedEnvironment(
                anEnvironment("hello", aService("web", replicas)),
                version,
                Map.of("web", templateVersion),
                T0,
                T0,
                false);
    }

    private static Map<String, ReplicaPlacement> placed(long templateVersion, int... indexes) {
        Map<String, ReplicaPlacement> m = new HashMap<>();
        for (int i : indexes) m.put(web(i).key(), new ReplicaPlacement(web(i), "london", 1, templateVersion));
        return m;
    }

    private static Map<String, ReplicaStatus> running(int... indexes) {
        Map<String, ReplicaStatus> m = new HashMap<>();
        for (int i : indexes) m.put(web(i).key(), new ReplicaStatus(web(i), 1, "n1", InstanceState.RUNNING, false));
        return m;
    }

    @Test
    void placesEveryMissingReplicaCountingDownWhatIsStillToPlace() {
        var actions = EnvironmentReconciler.decide(env(3, 1, 1), Map.of(), Map.of(), Observed.NOTHING, Set.of(), T0);

        assertThat(actions)
                .containsExactly(
                        new HomeAction.Place(web(0), 1, aService("web", 3), 1, 3, Optional.empty()),
                        new HomeAction.Place(web(1), 1, aService("web", 3), 1, 2, Optional.empty()),
                        new HomeAction.Place(web(2), 1, aService("web", 3), 1, 1, Optional.empty()));
    }

    @Test
    void scalingDownReleasesTheHighestIndexes() {
        var actions = EnvironmentReconciler.decide(
                env(1, 2, 1), placed(1, 0, 1, 2), Map.of(), Observed.at("london", running(0, 1, 2)), Set.of(), T0);

        assertThat(actions)
                .containsExactly(
                        new HomeAction.Release(web(1), "london", 1), new HomeAction.Release(web(2), "london", 1));
    }

    @Test
    void aRollingUpdateReplacesOneReplicaAtATime() {
        var actions = EnvironmentReconciler.decide(
                env(3, 2, 2), placed(1, 0, 1, 2), Map.of(), Observed.at("london", running(0, 1, 2)), Set.of(), T0);

        assertThat(actions).hasSize(1);
        var place = (HomeAction.Place) actions.getFirst();
        assertThat(place.id()).isEqualTo(web(0));
        assertThat(place.generation()).isEqualTo(2);
        assertThat(place.replacing()).contains(new HomeAction.Placed("london", 1));
    }

    @Test
    void aRollingUpdateWaitsUntilTheUpdatedReplicaIsHealthy() {
        Map<String, ReplicaPlacement> placements = placed(1, 1, 2);
        placements.put(web(0).key(), new ReplicaPlacement(web(0), "london", 2, 2));
        Map<String, ReplicaStatus> observed = running(1, 2);
        observed.put(web(0).key(), new ReplicaStatus(web(0), 2, "n1", InstanceState.STARTING, false));

        var actions = EnvironmentReconciler.decide(
                env(3, 2, 2), placements, Map.of(), Observed.at("london", observed), Set.of(), T0);

        assertThat(actions).isEmpty();
    }

    @Test
    void anUnplaceableReplicaIsRetriedOnlyAfterAPause() {
        var unplaceable = Map.of(web(0).key(), new Unplaceable(web(0), "0 of 3 sites fit", T0));

        var soon = decideAt(unplaceable, T0.plusMillis(500));
        var later = decideAt(unplaceable, T0.plus(Unplaceable.FIRST_WAIT));

        assertThat(soon).isEmpty();
        assertThat(later).hasSize(1);
    }

    @Test
    void eachFailedTryOfAnUnplaceableReplicaDoublesThePauseUpToHalfAMinute() {
        // Given a replica that failed at T0, then again at each retry
        var u = new Unplaceable(web(0), "0 of 3 sites fit", T0);
        List<Long> waits = new ArrayList<>();
        for (int tries = 0; tries < 7; tries++) {
            Instant retry = u.retryAt();
            waits.add(Duration.between(u.lastTried(), retry).toSeconds());
            // Then the home leaves it alone until its retry time, and tries it then
            assertThat(decideAt(Map.of(web(0).key(), u), retry.minusMillis(1))).isEmpty();
            assertThat(decideAt(Map.of(web(0).key(), u), retry)).hasSize(1);
            u = u.failedAgain("0 of 3 sites fit", retry);
        }

        assertThat(waits).containsExactly(2L, 4L, 8L, 16L, 30L, 30L, 30L);
        assertThat(u.since()).isEqualTo(T0);
        assertThat(u.attempts()).isEqualTo(8);
    }

    private static List<HomeAction> decideAt(Map<String, Unplaceable> unplaceable, Instant now) {
        return EnvironmentReconciler.decide(env(1, 1, 1), Map.of(), unplaceable, Observed.NOTHING, Set.of(), now);
    }

    @Test
    void aDeletedEnvironmentReleasesEverythingThenIsForgotten() {
        var deleting =
                new HomedEnvironment(anEnvironment("hello", aService("web", 2)), 1, Map.of("web", 1L), T0, T0, true);

        var first = EnvironmentReconciler.decide(
                deleting, placed(1, 0, 1), Map.of(), Observed.at("london", running(0, 1)), Set.of(), T0);
        var last = EnvironmentReconciler.decide(deleting, Map.of(), Map.of(), Observed.NOTHING, Set.of(), T0);

        assertThat(first)
                .containsExactly(
                        new HomeAction.Release(web(0), "london", 1), new HomeAction.Release(web(1), "london", 1));
        assertThat(last).containsExactly(new HomeAction.Forget("default", "hello"));
    }

    @Test
    void aReplicaLostWithItsNodeIsPlacedAgainWithTheNextGenerationEvenDuringARollout() {
        Map<String, ReplicaStatus> observed = running(1, 2);
        observed.put(web(0).key(), new ReplicaStatus(web(0), 1, "n1", InstanceState.FAILED, true));

        var actions = EnvironmentReconciler.decide(
                env(3, 2, 2), placed(1, 0, 1, 2), Map.of(), Observed.at("london", observed), Set.of(), T0);

        assertThat(actions)
                .contains(new HomeAction.Place(
                        web(0), 2, aService("web", 3), 2, 1, Optional.of(new HomeAction.Placed("london", 1))));
    }

    @Test
    void aReplicaThatVanishedFromALiveSiteIsPlacedAgainWithTheNextGeneration() {
        // london answers, runs web.1, but no longer runs web.0 (stopped while the home was away).
        var observed = Observed.at("london", running(1)).withVanished(Set.of(web(0).key()));

        var actions = EnvironmentReconciler.decide(env(2, 1, 1), placed(1, 0, 1), Map.of(), observed, Set.of(), T0);

        assertThat(actions)
                .containsExactly(new HomeAction.Place(
                        web(0), 2, aService("web", 2), 1, 1, Optional.of(new HomeAction.Placed("london", 1))));
    }

    @Test
    void aReplicaNotYetReportedByItsLiveSiteIsWaitedFor() {
        var observed = Observed.at("london", running(1));

        var actions = EnvironmentReconciler.decide(env(2, 1, 1), placed(1, 0, 1), Map.of(), observed, Set.of(), T0);

        assertThat(actions).isEmpty();
    }

    @Test
    void replicasOnADeadSiteArePlacedAgainElsewhereWithTheNextGeneration() {
        var observed = new Observed(Map.of(), Set.of("london"));

        var actions = EnvironmentReconciler.decide(env(2, 1, 1), placed(1, 0, 1), Map.of(), observed, Set.of(), T0);

        assertThat(actions)
                .containsExactly(
                        new HomeAction.Place(
                                web(0), 2, aService("web", 2), 1, 1, Optional.of(new HomeAction.Placed("london", 1))),
                        new HomeAction.Place(
                                web(1), 2, aService("web", 2), 1, 1, Optional.of(new HomeAction.Placed("london", 1))));
    }

    @Test
    void aSiteBackFromAPartitionHasExactlyItsSupersededCopiesStopped() {
        Map<String, ReplicaPlacement> placements = new HashMap<>();
        placements.put(web(0).key(), new ReplicaPlacement(web(0), "paris", 2, 1));
        placements.put(web(1).key(), new ReplicaPlacement(web(1), "london", 1, 1));
        var observed = new Observed(
                Map.of(
                        "london", running(0, 1),
                        "paris",
                                Map.of(web(0).key(), new ReplicaStatus(web(0), 2, "n2", InstanceState.RUNNING, false))),
                Set.of());

        var actions = EnvironmentReconciler.decide(env(2, 1, 1), placements, Map.of(), observed, Set.of(), T0);

        assertThat(actions).containsExactly(new HomeAction.ReleaseStale(web(0), "london", 1));
    }

    @Test
    void replicasWithAnActionUnderWayAreLeftAlone() {
        var actions = EnvironmentReconciler.decide(
                env(2, 1, 1), Map.of(), Map.of(), Observed.NOTHING, Set.of(web(0).key(), web(1).key()), T0);

        assertThat(actions).isEqualTo(List.of());
    }
}
