package dev.atoll.model.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.Resources;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TopologiesTest {
    @Test
    void theDefaultDevCloudIsLondonFrankfurtAndNewYorkWithThreeNodesEach() {
        var topology = Topologies.defaultDev();

        assertThat(topology.sites())
                .extracting(Topology.SiteTopology::site)
                .containsExactly(
                        new SiteInfo("london", new GeoPoint(51.5074, -0.1278), "GB", "UK", Set.of()),
                        new SiteInfo("frankfurt", new GeoPoint(50.1109, 8.6821), "DE", "EU", Set.of()),
                        new SiteInfo("new-york", new GeoPoint(40.7128, -74.0060), "US", "US", Set.of()));
        for (var site : topology.sites()) {
            assertThat(site.nodes())
                    .containsExactly(
                            node(site.site().name(), "n1"),
                            node(site.site().name(), "n2"),
                            node(site.site().name(), "n3"));
        }
    }

    @Test
    void beyondTheListOfCitiesNamesRepeatWithASuffix() {
        var names = Topologies.generated(65, 1).sites().stream()
                .map(s -> s.site().name())
                .toList();

        assertThat(names).startsWith("london", "frankfurt", "new-york");
        assertThat(names).contains("london-2", "frankfurt-2", "london-3");
    }

    @Test
    void jurisdictionsFollowTheCountry() {
        assertThat(Topologies.jurisdictionOf("DE")).isEqualTo("EU");
        assertThat(Topologies.jurisdictionOf("IE")).isEqualTo("EU");
        assertThat(Topologies.jurisdictionOf("GB")).isEqualTo("UK");
        assertThat(Topologies.jurisdictionOf("CH")).isEqualTo("CH");
        assertThat(Topologies.jurisdictionOf("US")).isEqualTo("US");
        assertThat(Topologies.jurisdictionOf("HK")).isEqualTo("HK");
    }

    @Property(tries = 30)
    void generatedSitesHaveUniqueNamesAndTheAskedNumberOfNodes(
            @ForAll @IntRange(min = 1, max = 200) int sites, @ForAll @IntRange(min = 1, max = 5) int nodes) {
        var topology = Topologies.generated(sites, nodes);

        assertThat(topology.sites()).hasSize(sites);
        var names = new HashSet<String>();
        for (var site : topology.sites()) {
            assertThat(names.add(site.site().name())).as(site.site().name()).isTrue();
            assertThat(site.site().name()).matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
            assertThat(site.nodes()).hasSize(nodes);
            assertThat(site.nodes())
                    .allSatisfy(n -> assertThat(n.site()).isEqualTo(site.site().name()));
        }
    }

    private static NodeInfo node(String site, String name) {
        return new NodeInfo(site, name, new Resources(4000, 8L << 30), 110, Set.of("process"), Set.of());
    }
}
