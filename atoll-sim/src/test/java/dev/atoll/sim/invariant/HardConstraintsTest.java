package dev.atoll.sim.invariant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.DriverKind;
import dev.atoll.model.spec.PlacementIntent;
import dev.atoll.model.spec.RestartPolicy;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.topology.NodeInfo;
import dev.atoll.model.topology.SiteInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HardConstraintsTest {
    private static final SiteInfo LONDON = new SiteInfo("london", new GeoPoint(51.5, -0.12), "GB", "UK", Set.of());
    private static final SiteInfo PARIS = new SiteInfo("paris", new GeoPoint(48.86, 2.35), "FR", "EU", Set.of());
    private static final SiteInfo TOKYO = new SiteInfo("tokyo", new GeoPoint(35.68, 139.65), "JP", "JP", Set.of());

    private static NodeInfo node(SiteInfo site, Set<String> drivers, Set<String> tags) {
        return new NodeInfo(site.name(), "n1", new Resources(4000, 8L << 30), 110, drivers, tags);
    }

    private static ServiceSpec service(PlacementIntent placement) {
        return new ServiceSpec(
                "web",
                DriverKind.PROCESS,
                List.of("sleep", "1"),
                Map.of(),
                new Resources(100, 64L << 20),
                List.of(),
                Optional.empty(),
                1,
                RestartPolicy.ALWAYS,
                placement);
    }

    private static PlacementIntent intent(
            Set<String> jurisdictions, Set<String> requireTags, List<PlacementIntent.UserRegion> near) {
        return new PlacementIntent(
                jurisdictions,
                Set.of(),
                Set.of(),
                Set.of(),
                requireTags,
                Set.of(),
                near,
                Optional.empty(),
                PlacementIntent.AntiAffinity.NONE,
                PlacementIntent.Strategy.SPREAD);
    }

    @Test
    void aReplicaInsideItsJurisdictionOnACapableNodeBreaksNothing() {
        var eu = service(intent(Set.of("EU"), Set.of(), List.of()));
        assertThat(HardConstraints.broken(eu, PARIS, node(PARIS, Set.of("process"), Set.of())))
                .isEmpty();
    }

    @Test
    void aReplicaOutsideItsJurisdictionIsNamed() {
        var eu = service(intent(Set.of("EU"), Set.of(), List.of()));
        assertThat(HardConstraints.broken(eu, LONDON, node(LONDON, Set.of("process"), Set.of())))
                .hasValueSatisfying(why -> assertThat(why).contains("jurisdiction UK"));
    }

    @Test
    void aNodeWithoutTheDriverOrARequiredTagBreaksTheConstraint() {
        var plain = service(PlacementIntent.NONE);
        assertThat(HardConstraints.broken(plain, PARIS, node(PARIS, Set.of("oci"), Set.of())))
                .hasValueSatisfying(why -> assertThat(why).contains("no process driver"));
        var gpu = service(intent(Set.of(), Set.of("gpu"), List.of()));
        assertThat(HardConstraints.broken(gpu, PARIS, node(PARIS, Set.of("process"), Set.of())))
                .hasValueSatisfying(why -> assertThat(why).contains("gpu"));
        assertThat(HardConstraints.broken(gpu, PARIS, node(PARIS, Set.of("process"), Set.of("gpu"))))
                .isEmpty();
    }

    @Test
    void aNodeLackingSeveralRequiredTagsIsToldTheFirstInAlphabeticalOrder_soEveryJvmLogsTheSameViolation() {
        var picky = service(intent(Set.of(), Set.of("zeta", "alpha", "mid"), List.of()));
        assertThat(HardConstraints.broken(picky, PARIS, node(PARIS, Set.of("process"), Set.of("mid"))))
                .hasValue("node paris/n1 lacks required tag alpha");
    }

    @Test
    void aSiteTooFarFromBoundedUsersBreaksTheirLatencyBound() {
        var nearLondon = service(intent(
                Set.of(),
                Set.of(),
                List.of(new PlacementIntent.UserRegion("londoners", LONDON.location(), Optional.of(30)))));
        assertThat(HardConstraints.broken(nearLondon, PARIS, node(PARIS, Set.of("process"), Set.of())))
                .isEmpty();
        assertThat(HardConstraints.broken(nearLondon, TOKYO, node(TOKYO, Set.of("process"), Set.of())))
                .hasValueSatisfying(why -> assertThat(why).contains("over their bound of 30 ms"));
    }
}
