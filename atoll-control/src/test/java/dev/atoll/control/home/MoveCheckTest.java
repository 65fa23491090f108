package dev.atoll.control.home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.Assignment;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.NodeCapacity;
import dev.atoll.placement.SiteSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Whether a replica may move to a destination: each refusal names its field and says why. */
class MoveCheckTest {
    private static final long GIB = 1L << 30;
    private static final Assignment FROM = new Assignment("london", "london-n1");

    /** london (UK) and frankfurt (EU) of two nodes; frankfurt's n2 is full, paris (EU) is unreachable. */
    private final List<SiteSummary> sites = List.of(
            site("london", "GB", "UK", true, free(4000), free(4000)),
            site("frankfurt", "DE", "EU", true, free(4000), free(0)),
            site("paris", "FR", "EU", false));

    @Test
    void aFreeNodeOfAnotherSiteWithinTheConstraintsIsAccepted() {
        assertThat(check(service(""), new Assignment("frankfurt", "frankfurt-n1")))
                .isEmpty();
        assertThat(check(service(""), new Assignment("frankfurt", null))).isEmpty();
        assertThat(check(service(""), new Assignment("london", null))).isEmpty();
    }

    @Test
    void anUnknownSiteOrNodeIsRefusedListingTheKnownOnes() {
        assertThat(check(service(""), new Assignment("atlantis", null)))
                .contains(new FieldError("to.site", "no site \"atlantis\" (sites: frankfurt, london, paris)"));
        assertThat(check(service(""), new Assignment("frankfurt", "n9")))
                .contains(new FieldError(
                        "to.node", "site frankfurt has no node \"n9\" (nodes: frankfurt-n1, frankfurt-n2)"));
    }

    @Test
    void whereItRunsAndAnUnreachableSiteAreRefused() {
        assertThat(check(service(""), FROM).orElseThrow().reason()).contains("already runs on london/london-n1");
        assertThat(check(service(""), new Assignment("paris", null)))
                .contains(new FieldError("to.site", "site paris is not reachable now"));
    }

    @Test
    void aDestinationOutsideTheJurisdictionIsRefusedAndChangesNothing() {
        var ukOnly = service("{jurisdictions: [UK]}");

        var refused = check(ukOnly, new Assignment("frankfurt", null)).orElseThrow();

        assertThat(refused.path()).isEqualTo("to.site");
        assertThat(refused.reason()).contains("jurisdiction");
    }

    @Test
    void aNodeWithoutRoomIsRefused() {
        var refused =
                check(service(""), new Assignment("frankfurt", "frankfurt-n2")).orElseThrow();

        assertThat(refused.path()).isEqualTo("to.node");
        assertThat(refused.reason()).containsIgnoringCase("cpu");
    }

    @Test
    void aNodeThatTakesNoReplicasIsRefused() {
        var withDraining = List.of(site("london", "GB", "UK", true, free(4000), drained()));

        var refused = MoveCheck.check(
                        service(""),
                        FROM,
                        new Assignment("london", "london-n2"),
                        withDraining,
                        Set.of(),
                        Map.of(),
                        LatencyModel.ESTIMATED,
                        1)
                .orElseThrow();

        assertThat(refused)
                .isEqualTo(new FieldError("to.node", "node london-n2 takes no replicas now (down, or draining)"));
    }

    private Optional<FieldError> check(ServiceSpec service, Assignment to) {
        return MoveCheck.check(service, FROM, to, sites, Set.of("paris"), Map.of(), LatencyModel.ESTIMATED, 1);
    }

    private static NodeCapacity free(long cpuMillis) {
        return new NodeCapacity("", new Resources(cpuMillis, 8 * GIB), 16, Set.of("process"), Set.of(), true);
    }

    private static NodeCapacity drained() {
        return new NodeCapacity("", new Resources(4000, 8 * GIB), 16, Set.of("process"), Set.of(), false);
    }

    private static SiteSummary site(
            String name, String country, String jurisdiction, boolean healthy, NodeCapacity... nodes) {
        List<NodeCapacity> named = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            var n = nodes[i];
            named.add(
                    new NodeCapacity(name + "-n" + (i + 1), n.free(), n.freeSlots(), n.drivers(), n.tags(), n.ready()));
        }
        return new SiteSummary(
                new SiteInfo(name, new GeoPoint(50, 0), country, jurisdiction, Set.of()), healthy, named);
    }

    private static ServiceSpec service(String placement) {
        String text = """
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: shop}
                spec:
                  services:
                    web:
                      command: [sleep, "1000"]
                      resources: {cpu: 500m, memory: 256Mi}
                %s
                """.formatted(placement.isEmpty() ? "" : "      placement: " + placement);
        EnvironmentSpec spec =
                switch (SpecParser.parse(text)) {
                    case SpecResult.Valid v -> v.spec();
                    case SpecResult.Invalid i ->
                        throw new AssertionError(i.errors().toString());
                };
        return spec.services().get("web");
    }
}
