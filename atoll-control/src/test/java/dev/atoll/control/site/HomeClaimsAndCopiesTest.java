package dev.atoll.control.site;

import static dev.atoll.control.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.EnvironmentCopy;
import dev.atoll.control.federation.HomeClaim;
import dev.atoll.control.site.Applied.Reservation;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.control.site.SiteState.ReplicaPlacement;
import dev.atoll.model.instance.InstanceId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The buddy role and home claims, applied to one site's state machine without Raft. */
class HomeClaimsAndCopiesTest {
    private final SiteStateMachine machine = new SiteStateMachine();
    private final InstanceId web0 = new InstanceId("default", "hello", "web", 0);
    private final InstanceId web1 = new InstanceId("default", "hello", "web", 1);
    private final HomeClaim london = new HomeClaim("london", 1, T0);
    private final HomeClaim paris = new HomeClaim("paris", 2, T0);

    private EnvironmentCopy copyFromLondon(long stamp, ReplicaPlacement... placements) {
        var env = new HomedEnvironment(anEnvironment("hello", aService("web", 2)), 1, Map.of("web", 1L), T0, T0, false);
        var byKey = new java.util.HashMap<String, ReplicaPlacement>();
        for (ReplicaPlacement p : placements) byKey.put(p.id().key(), p);
        return new EnvironmentCopy("london", env, byKey, Map.of(), stamp);
    }

    @Test
    void aBuddyKeepsTheNewestCopyEvenWhenCopiesArriveOutOfOrder() {
        var newer = copyFromLondon(9, new ReplicaPlacement(web0, "frankfurt", 2, 1));
        var older = copyFromLondon(5, new ReplicaPlacement(web0, "london", 1, 1));

        machine.apply(new SiteCommand.StoreCopy(newer));
        var answer = machine.apply(new SiteCommand.StoreCopy(older));

        assertThat(answer.response()).isEqualTo(london);
        EnvironmentCopy kept = machine.read(s -> s.copies().get("default/hello"));
        assertThat(kept).isEqualTo(newer);
    }

    @Test
    void adoptingTurnsTheCopyIntoAnEnvironmentHomedHereAtTheNextEpochWithItsPlacements() {
        var placed = new ReplicaPlacement(web0, "frankfurt", 3, 1);
        machine.apply(new SiteCommand.StoreCopy(copyFromLondon(4, placed)));

        var applied = machine.apply(new SiteCommand.AdoptEnvironment("default", "hello", "paris", T0.plusSeconds(9)));

        assertThat(applied.response()).isEqualTo(paris);
        assertThat(applied.events()).extracting(SiteEvent::type).containsExactly("environment-adopted");
        machine.read(s -> {
            assertThat(s.environments().get("default/hello").homeEpoch()).isEqualTo(2);
            assertThat(s.placements()).containsExactly(Map.entry(web0.key(), placed));
            assertThat(s.copies()).isEmpty();
            return null;
        });
    }

    @Test
    void anOldHomeToldOfAStrongerClaimForgetsTheEnvironmentButKeepsRunningItsReplicasForTheNewHome() {
        machine.apply(new SiteCommand.RegisterNode(aNode("london", "n1", 4000, 8L << 30)));
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 1)), T0));
        machine.apply(new SiteCommand.ReserveInstance(web0, 1, aService("web", 1), "london", "n1", T0, london));
        machine.apply(new SiteCommand.RecordPlacement(web0, "london", 1, 1));

        var applied = machine.apply(new SiteCommand.ClaimHome("default", "hello", paris, "london"));

        assertThat(applied.response()).isEqualTo(paris);
        assertThat(applied.events()).extracting(SiteEvent::type).containsExactly("environment-superseded");
        machine.read(s -> {
            assertThat(s.environments()).isEmpty();
            assertThat(s.placements()).isEmpty();
            assertThat(s.instances()).containsKey(web0.key());
            assertThat(s.homeOf(s.instances().get(web0.key()))).isEqualTo("paris");
            return null;
        });
    }

    @Test
    void aWeakerClaimIsAnsweredWithTheStrongerOneAndChangesNothing() {
        machine.apply(new SiteCommand.ClaimHome("default", "hello", paris, "frankfurt"));

        var applied = machine.apply(new SiteCommand.ClaimHome("default", "hello", london, "frankfurt"));

        assertThat(applied.response()).isEqualTo(paris);
        HomeClaim standing = machine.read(s -> s.homeClaims().get("default/hello"));
        assertThat(standing).isEqualTo(paris);
    }

    @Test
    void aBatchOfClaimsIsAppliedInOrderAsOneCommandAndAnswersEachClaimsStanding() {
        machine.apply(new SiteCommand.RegisterNode(aNode("london", "n1", 4000, 8L << 30)));
        machine.apply(new SiteCommand.PutEnvironment(anEnvironment("hello", aService("web", 1)), T0));
        machine.apply(new SiteCommand.ClaimHome("default", "other", paris, "london"));
        long heldBefore = machine.heldChanges();
        machine.drainTouched();

        var applied = machine.apply(new SiteCommand.ClaimHomes(java.util.List.of(
                new SiteCommand.ClaimHome("default", "hello", paris, "london"),
                new SiteCommand.ClaimHome("default", "other", london, "london"),
                new SiteCommand.ClaimHome("default", "third", london, "london"))));

        assertThat(applied.response()).isEqualTo(java.util.List.of(paris, paris, london));
        assertThat(applied.events()).extracting(SiteEvent::type).containsExactly("environment-superseded");
        assertThat(machine.heldChanges()).isEqualTo(heldBefore + 3);
        assertThat(machine.drainTouched().environments()).contains("default/hello", "default/other", "default/third");
        machine.read(s -> {
            assertThat(s.environments()).isEmpty();
            assertThat(s.homeClaims())
                    .containsEntry("default/hello", paris)
                    .containsEntry("default/other", paris)
                    .containsEntry("default/third", london);
            return null;
        });
    }

    @Test
    void aSupersededHomeCanNeitherPlaceNorStopReplicasOfTheEnvironment() {
        machine.apply(new SiteCommand.RegisterNode(aNode("frankfurt", "n1", 4000, 8L << 30)));
        machine.apply(new SiteCommand.ReserveInstance(web0, 1, aService("web", 2), "paris", "n1", T0, paris));

        var offer =
                machine.apply(new SiteCommand.ReserveInstance(web1, 2, aService("web", 2), "london", "n1", T0, london));
        machine.apply(new SiteCommand.ReleaseInstance(web0, 1, london));

        assertThat(offer.response()).isInstanceOfSatisfying(Reservation.Refused.class, r -> assertThat(r.reason())
                .contains("homed at site paris (home epoch 2)"));
        java.util.Set<String> left =
                machine.read(s -> java.util.Set.copyOf(s.instances().keySet()));
        assertThat(left).containsExactly(web0.key());

        machine.apply(new SiteCommand.ReleaseInstance(web0, 1, paris));
        int count = machine.read(s -> s.instances().size());
        assertThat(count).isZero();
    }

    @Test
    void aNewIncarnationOfADeletedNameOutranksEveryClaimOfTheOldOne() {
        machine.apply(new SiteCommand.RegisterNode(aNode("frankfurt", "n1", 4000, 8L << 30)));
        machine.apply(new SiteCommand.ClaimHome("default", "hello", paris, "frankfurt"));
        var recreated = new HomeClaim("madrid", 1, T0.plusSeconds(60));

        var offer = machine.apply(
                new SiteCommand.ReserveInstance(web0, 1, aService("web", 1), "madrid", "n1", T0, recreated));

        assertThat(offer.response()).isInstanceOf(Reservation.Reserved.class);
    }

    @Test
    void copiesAndClaimsSurviveASnapshot() {
        machine.apply(new SiteCommand.StoreCopy(copyFromLondon(3, new ReplicaPlacement(web0, "frankfurt", 2, 1))));
        machine.apply(new SiteCommand.ClaimHome("default", "other", paris, "frankfurt"));

        var restored = new SiteStateMachine();
        restored.restore(machine.snapshot());

        assertThat(restored.read(SiteState::copies)).isEqualTo(machine.read(SiteState::copies));
        assertThat(restored.read(SiteState::homeClaims)).isEqualTo(machine.read(SiteState::homeClaims));
    }

    @Test
    void everyBuddyCommandSurvivesTheLogCodec() {
        var commands = java.util.List.<SiteCommand>of(
                new SiteCommand.StoreCopy(copyFromLondon(3, new ReplicaPlacement(web0, "frankfurt", 2, 1))),
                new SiteCommand.ForgetCopy("default", "hello", london),
                new SiteCommand.AdoptEnvironment("default", "hello", "paris", T0),
                new SiteCommand.ClaimHome("default", "hello", paris, "london"),
                new SiteCommand.ClaimHomes(java.util.List.of(
                        new SiteCommand.ClaimHome("default", "hello", paris, "london"),
                        new SiteCommand.ClaimHome("default", "other", london, "london"))),
                new SiteCommand.ReleaseInstance(web0, 3, paris),
                new SiteCommand.ReserveInstance(web0, 1, aService("web", 1), "paris", "n1", T0, paris));
        for (SiteCommand c : commands) {
            assertThat(SiteCodec.readCommand(SiteCodec.writeCommand(c))).isEqualTo(c);
        }
    }
}
