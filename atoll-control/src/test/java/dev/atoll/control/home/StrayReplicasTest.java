package dev.atoll.control.home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.HomeClaim;
import dev.atoll.control.federation.ReplicaStatus;
import dev.atoll.control.site.SiteState.Deleted;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StrayReplicasTest {
    private static final Instant CREATED = Instant.parse("2030-01-01T00:00:00Z");
    private static final InstanceId WEB_0 = new InstanceId("acme", "shop", "web", 0);

    private static ReplicaStatus running(InstanceId id, long generation) {
        return new ReplicaStatus(
                id,
                generation,
                "n1",
                InstanceState.RUNNING,
                false,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                0,
                "");
    }

    private static Observed seen(String site, ReplicaStatus status) {
        return Observed.at(site, Map.of(status.id().key(), status));
    }

    @Test
    void aReplicaOfAnEnvironmentThisHomeDeletedIsReleasedUnderTheClaimItHeld() {
        var observed = seen("singapore", running(WEB_0, 1));

        var steps = StrayReplicas.decide(
                "london", observed, Map.of(), Map.of("acme/shop", new Deleted(2, CREATED)), Map.of());

        assertThat(steps)
                .containsExactly(new StrayReplicas.Release(WEB_0, "singapore", 1, new HomeClaim("london", 2, CREATED)));
    }

    @Test
    void aSupersededHomeTellsTheSiteWhoHomesTheEnvironmentNowAndStopsNothing() {
        var observed = seen("singapore", running(WEB_0, 1));
        var standing = new HomeClaim("london", 2, CREATED);

        var steps = StrayReplicas.decide("new-york", observed, Map.of(), Map.of(), Map.of("acme/shop", standing));

        assertThat(steps).containsExactly(new StrayReplicas.TellHome("singapore", "acme", "shop", standing));
    }

    @Test
    void replicasOfHomedEnvironmentsUnknownOnesAndThoseAtDeadSitesAreLeftAlone() {
        var homed = Map.of("acme/shop", new HomedEnvironment(null, 1, Map.of(), CREATED, CREATED, false, 1));
        var ofHomed = StrayReplicas.decide(
                "london",
                seen("paris", running(WEB_0, 1)),
                homed,
                Map.of("acme/shop", new Deleted(1, CREATED)),
                Map.of());
        var unknown = StrayReplicas.decide("london", seen("paris", running(WEB_0, 1)), Map.of(), Map.of(), Map.of());
        var atDeadSite = StrayReplicas.decide(
                "london",
                seen("paris", running(WEB_0, 1)).withDead("paris"),
                Map.of(),
                Map.of("acme/shop", new Deleted(1, CREATED)),
                Map.of());

        assertThat(ofHomed).isEmpty();
        assertThat(unknown).isEmpty();
        assertThat(atDeadSite).isEmpty();
    }
}
