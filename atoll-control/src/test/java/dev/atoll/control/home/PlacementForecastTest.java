package dev.atoll.control.home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.model.view.PlacementPreview;
import dev.atoll.model.view.PlacementPreview.SiteCount;
import dev.atoll.placement.LatencyModel;
import dev.atoll.placement.NodeCapacity;
import dev.atoll.placement.SiteSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A placement preview is the real selectors' decision on the summaries, with nothing reserved. */
class PlacementForecastTest {
    private static final long GIB = 1L << 30;

    /** Three sites of three nodes with 4 cpus and 8Gi each, all free. */
    private static final List<SiteSummary> THREE_SITES = List.of(
            site("london", 51.51, -0.13, "GB", "UK", 3, 4000),
            site("frankfurt", 50.11, 8.68, "DE", "EU", 3, 4000),
            site("paris", 48.86, 2.35, "FR", "EU", 3, 4000));

    @Test
    void sixReplicasSpreadOverThreeSitesWouldGoTwoToEach() {
        PlacementPreview preview = forecast(spec("web", 6, "spread: {across: site, minDomains: 3}"), THREE_SITES);

        assertThat(preview.placeable()).isTrue();
        var web = preview.services().getFirst();
        assertThat(web.sites())
                .containsExactlyInAnyOrder(
                        new SiteCount("london", 2), new SiteCount("frankfurt", 2), new SiteCount("paris", 2));
        assertThat(web.summary())
                .startsWith("6 replicas would go to ")
                .contains("london x2", "frankfurt x2", "paris x2");
        assertThat(web.unplaceable()).isEmpty();
    }

    @Test
    void replicasThatFitNowhereAreExplainedCountedPerReason() {
        // 3 cpus each: only one per node, and only the two EU sites qualify: 6 fit, the 7th does not.
        PlacementPreview preview = forecast(spec("db", 7, "jurisdictions: [EU]", "3"), THREE_SITES);

        assertThat(preview.placeable()).isFalse();
        var db = preview.services().getFirst();
        assertThat(db.sites()).extracting(SiteCount::site).containsExactlyInAnyOrder("frankfurt", "paris");
        assertThat(db.sites().stream().mapToInt(SiteCount::replicas).sum()).isEqualTo(6);
        assertThat(db.unplaceable())
                .hasValue("0 of 3 sites fit: 1 outside jurisdiction EU, 2 short of cpu (need 3, most free 1)");
        assertThat(db.summary())
                .startsWith("of 7 replicas, 6 would fit (")
                .contains("the next fits nowhere: 0 of 3 sites fit");
    }

    @Test
    void laterServicesSeeTheRoomEarlierOnesWouldTake() {
        EnvironmentSpec twoServices = parse("""
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: shop}
                spec:
                  services:
                    big:
                      command: [sleep, "1000"]
                      resources: {cpu: 4, memory: 1Gi}
                      replicas: 9
                    small:
                      command: [sleep, "1000"]
                      resources: {cpu: 1, memory: 1Gi}
                      replicas: 1
                """);

        PlacementPreview preview = forecast(twoServices, THREE_SITES);

        assertThat(preview.services().get(0).placeable()).isTrue();
        assertThat(preview.services().get(1).placeable()).isFalse();
        assertThat(preview.services().get(1).unplaceable().orElseThrow()).contains("short of cpu");
        assertThat(preview.placeable()).isFalse();
    }

    @Test
    void runningReplicasStayWhereTheyAreAndOnlyTheAddedOnesArePlaced() {
        EnvironmentSpec five = spec("web", 5, "spread: {across: site, minDomains: 3}");
        List<InstanceView> running = List.of(
                instance("web", 0, "london", "london-n1"),
                instance("web", 1, "london", "london-n2"),
                instance("web", 2, "london", "london-n3"));

        PlacementPreview preview = PlacementForecast.of(five, true, running, THREE_SITES, LatencyModel.ESTIMATED, 7);

        var web = preview.services().getFirst();
        assertThat(preview.exists()).isTrue();
        assertThat(web.running()).isEqualTo(3);
        // Two more, and spread over three sites needs both elsewhere.
        assertThat(web.sites())
                .containsExactly(new SiteCount("london", 3), new SiteCount("frankfurt", 1), new SiteCount("paris", 1));
    }

    @Test
    void scalingDownKeepsTheFirstReplicasAndPlacesNothing() {
        List<InstanceView> running = new ArrayList<>();
        for (int i = 0; i < 4; i++) running.add(instance("web", i, i < 2 ? "paris" : "london", "n" + i));

        PlacementPreview preview =
                PlacementForecast.of(spec("web", 2, "{}"), true, running, THREE_SITES, LatencyModel.ESTIMATED, 7);

        assertThat(preview.services().getFirst().sites()).containsExactly(new SiteCount("paris", 2));
    }

    @Test
    void thePreviewDependsOnlyOnItsInputs() {
        EnvironmentSpec spec = spec("web", 6, "{}");

        assertThat(forecast(spec, THREE_SITES)).isEqualTo(forecast(spec, THREE_SITES));
    }

    // --- fixtures ----------------------------------------------------------------------------------

    private static PlacementPreview forecast(EnvironmentSpec spec, List<SiteSummary> sites) {
        return PlacementForecast.of(spec, false, List.of(), sites, LatencyModel.ESTIMATED, 7);
    }

    private static SiteSummary site(
            String name, double lat, double lon, String country, String jurisdiction, int nodes, long cpuMillis) {
        List<NodeCapacity> capacities = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            capacities.add(new NodeCapacity(
                    name + "-n" + i, new Resources(cpuMillis, 8 * GIB), 16, Set.of("process"), Set.of(), true));
        }
        return new SiteSummary(
                new SiteInfo(name, new GeoPoint(lat, lon), country, jurisdiction, Set.of()), true, capacities);
    }

    private static EnvironmentSpec spec(String service, int replicas, String placement) {
        return spec(service, replicas, placement, "500m");
    }

    private static EnvironmentSpec spec(String service, int replicas, String placement, String cpu) {
        String body = placement.startsWith("{") ? placement : "{" + placement + "}";
        return parse("""
                apiVersion: atoll/v1
                kind: Environment
                metadata: {name: shop}
                spec:
                  services:
                    %s:
                      command: [sleep, "1000"]
                      resources: {cpu: %s, memory: 256Mi}
                      replicas: %d
                      placement: %s
                """.formatted(service, cpu, replicas, body));
    }

    private static EnvironmentSpec parse(String text) {
        return switch (SpecParser.parse(text)) {
            case SpecResult.Valid v -> v.spec();
            case SpecResult.Invalid i -> throw new AssertionError(i.errors().toString());
        };
    }

    private static InstanceView instance(String service, int index, String site, String node) {
        return new InstanceView(
                "shop." + service + "." + index,
                "default",
                "shop",
                service,
                site,
                node,
                InstanceState.RUNNING,
                1,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                0,
                "",
                Map.of());
    }
}
