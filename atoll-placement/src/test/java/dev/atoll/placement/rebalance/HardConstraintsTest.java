package dev.atoll.placement.rebalance;

import static dev.atoll.placement.rebalance.RebalanceFixtures.service;
import static dev.atoll.placement.rebalance.RebalanceFixtures.site;
import static dev.atoll.placement.rebalance.RebalanceFixtures.world;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.spec.PlacementIntent.AntiAffinity;
import dev.atoll.model.spec.PlacementIntent.Domain;
import dev.atoll.placement.LatencyModel;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One example per rule a move must keep, each phrased as the selectors phrase it. */
class HardConstraintsTest {
    static final LatencyModel LATENCY = LatencyModel.ESTIMATED;

    static PlacedInstance first(CloudLayout layout, String service) {
        return layout.instance(new InstanceId("acme", "shop", service, 0));
    }

    @Test
    void aMoveOutsideTheServicesJurisdictionIsRefused() {
        var layout = world().site(site("paris"), 1)
                .site(site("london"), 1)
                .run(service("ledger").inJurisdictions("EU").build(), "paris/n1", 1)
                .layout();

        assertThat(HardConstraints.whyNot(layout, first(layout, "ledger"), "london/n1", LATENCY))
                .contains("outside jurisdiction EU");
    }

    @Test
    void aMoveBeyondTheUsersLatencyBoundIsRefused() {
        var layout = world().site(site("paris"), 1)
                .site(site("new-york"), 1)
                .run(
                        service("shop")
                                .nearUsers("paris", RebalanceFixtures.PARIS, 20)
                                .build(),
                        "paris/n1",
                        1)
                .layout();

        assertThat(HardConstraints.whyNot(layout, first(layout, "shop"), "new-york/n1", LATENCY))
                .contains("too far from users in paris (max 20 ms)");
    }

    @Test
    void aMoveToANodeWithoutRoomIsRefused() {
        var big = service("big").needing("3", "1Gi").build();
        var layout = world().site(site("london"), 2)
                .run(big, "london/n1", 1)
                .run(big, "london/n2", 1)
                .layout();

        assertThat(HardConstraints.whyNot(layout, first(layout, "big"), "london/n2", LATENCY))
                .hasValueSatisfying(why -> assertThat(why).startsWith("short of cpu"));
    }

    @Test
    void aMoveOntoANodeWithAnotherReplicaBreaksAntiAffinity() {
        var db = service("db").antiAffinity(AntiAffinity.NODE).build();
        var layout = world().site(site("london"), 2)
                .run(db, "london/n1", 1)
                .run(db, "london/n2", 1)
                .layout();

        assertThat(HardConstraints.whyNot(layout, first(layout, "db"), "london/n2", LATENCY))
                .contains("already running a replica (anti-affinity node)");
    }

    @Test
    void aMoveThatWouldLeaveFewerSitesThanTheSpreadAsksIsRefused() {
        var web = service("web").spreadAcross(Domain.SITE, 2).build();
        var layout = world().site(site("london"), 2)
                .site(site("paris"), 1)
                .run(web, "london/n1", 1)
                .run(web, "paris/n1", 1)
                .layout();

        assertThat(HardConstraints.whyNot(layout, first(layout, "web"), "paris/n1", LATENCY))
                .contains("already running a replica (spread over at least 2 sites)");
        assertThat(HardConstraints.whyNot(layout, first(layout, "web"), "london/n2", LATENCY))
                .isEmpty();
    }

    @Test
    void aClosedNodeTakesNoNewInstance() {
        var layout = world().site(site("london"), 2)
                .run(service("web").build(), "london/n1", 1)
                .layout()
                .closing(Set.of("london/n2"));

        assertThat(HardConstraints.whyNot(layout, first(layout, "web"), "london/n2", LATENCY))
                .contains("not ready");
    }

    @Test
    void aLayoutPlacedWithinTheRulesHasNoViolationsAndOneThatIsNotSaysWhere() {
        var db = service("db").antiAffinity(AntiAffinity.NODE).build();
        var fine = world().site(site("london"), 2)
                .run(db, "london/n1", 1)
                .run(db, "london/n2", 1)
                .layout();
        var broken = world().site(site("london"), 2).run(db, "london/n1", 2).layout();

        assertThat(HardConstraints.violations(fine, LATENCY)).isEmpty();
        assertThat(HardConstraints.violations(broken, LATENCY))
                .contains("shop.db.0 on london/n1: already running a replica (anti-affinity node)");
    }

    @Test
    void replicasAtOtherSitesCountForTheSpreadOfTheReplicasHere() {
        // Given a service spread over 3 sites, two replicas at each (examples/hello.yaml), seen from london
        var web = service("web").spreadAcross(Domain.SITE, 3).replicas(6).build();
        var alone = world().site(site("london"), 2).run(web, "london/n1", 1).run(web, "london/n2", 1);
        var seen = world().site(site("london"), 2)
                .run(web, "london/n1", 1)
                .run(web, "london/n2", 1)
                .elsewhere(web, "paris/n1", 2)
                .elsewhere(web, "madrid/n1", 1)
                .elsewhere(web, "madrid/n2", 1);

        // Then beside the replicas at paris and madrid nothing is wrong in london
        assertThat(HardConstraints.violations(seen.layout(), LATENCY)).isEmpty();
        // while london alone would look like it breaks the spread twice (what its plan showed before)
        assertThat(HardConstraints.violations(alone.layout(), LATENCY))
                .hasSize(2)
                .allSatisfy(v -> assertThat(v).contains("spread over at least 3 sites"));
    }

    @Test
    void aSpreadBrokenHereIsStillCountedBesideTheReplicasElsewhere() {
        // Given 2 of 3 replicas in london and the third at paris: two sites, three asked for
        var web = service("web").spreadAcross(Domain.SITE, 3).replicas(3).build();
        var layout = world().site(site("london"), 2)
                .run(web, "london/n1", 1)
                .run(web, "london/n2", 1)
                .elsewhere(web, "paris/n1", 1)
                .layout();

        // Then both replicas in london break it, and the pinned one is not judged here
        assertThat(HardConstraints.violations(layout, LATENCY))
                .hasSize(2)
                .allSatisfy(v -> assertThat(v).startsWith("shop.web.").contains("london/"));
    }

    @Test
    void aMoveOntoASiteWhereAPinnedReplicaRunsBreaksAntiAffinity() {
        var db = service("db").antiAffinity(AntiAffinity.SITE).build();
        var layout = world().site(site("london"), 1)
                .site(site("paris"), 1)
                .run(db, "london/n1", 1)
                .elsewhere(db, "paris/n1", 1)
                .layout();

        assertThat(HardConstraints.whyNot(layout, first(layout, "db"), "paris/n1", LATENCY))
                .hasValueSatisfying(why -> assertThat(why).contains("anti-affinity site"));
    }

    @Test
    void pinnedReplicasTakeNoRoomAndNeverMove() {
        var web = service("web").needing("3", "1Gi").build();
        var layout = world().site(site("paris"), 1)
                .site(site("london"), 1)
                .run(web, "london/n1", 1)
                .elsewhere(web, "paris/n1", 1)
                .layout();
        var pinned = layout.pinned().getFirst();

        assertThat(layout.allocated("paris/n1")).isEqualTo(dev.atoll.model.Resources.ZERO);
        assertThat(layout.isPinned(pinned.id())).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> layout.apply(
                        new Move(pinned.id(), pinned.at(), RebalanceFixtures.assignment("london/n1"), "test")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pinned");
    }
}
