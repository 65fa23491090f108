package dev.atoll.placement.rebalance;

import static dev.atoll.placement.rebalance.RebalanceFixtures.service;
import static dev.atoll.placement.rebalance.RebalanceFixtures.site;
import static dev.atoll.placement.rebalance.RebalanceFixtures.world;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.GeoPoint;
import dev.atoll.model.topology.SiteInfo;
import dev.atoll.placement.LatencyModel;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObjectiveTest {
    static final OverloadPolicy POLICY = new OverloadPolicy(0.8, 0.9, 30_000);

    @Test
    void siteTagsSayWhetherASiteRunsOnGreenPowerAndAtWhatPrice() {
        var green = new SiteInfo("paris", new GeoPoint(48.86, 2.35), "FR", "EU", Set.of("green"));
        var dear = new SiteInfo("berlin", new GeoPoint(52.52, 13.40), "DE", "EU", Set.of("energy-price=150"));
        var plain = new SiteInfo("rome", new GeoPoint(41.90, 12.50), "IT", "EU", Set.of("energy-price=cheap"));

        assertThat(SiteEnergy.of(green)).isEqualTo(new SiteEnergy(true, OptionalInt.empty()));
        assertThat(SiteEnergy.of(dear)).isEqualTo(new SiteEnergy(false, OptionalInt.of(150)));
        assertThat(SiteEnergy.of(plain)).isEqualTo(new SiteEnergy(false, OptionalInt.empty()));
        assertThat(SiteEnergy.of(green).cost(2_000)).isEqualTo(10);
        assertThat(SiteEnergy.of(dear).cost(2_000)).isEqualTo(30);
        assertThat(SiteEnergy.of(plain).cost(2_000)).isEqualTo(20);
    }

    @Test
    void theObjectiveCountsEachTermOfALayout() {
        var web = service("web")
                .needing("1", "1Gi")
                .nearUsers("paris", RebalanceFixtures.PARIS)
                .build();
        var layout = world().site(site("paris"), 2)
                .site(site("london", "green"), 1)
                .run(web, "paris/n1", 2)
                .run(web, "london/n1", 1)
                .layout()
                .closing(Set.of("london/n1"));
        var loads = Loads.estimate(layout, java.util.Map.of("paris/n1", RebalanceFixtures.res("3500m", "2Gi")));

        ObjectiveScore score = Objective.score(layout, layout, loads, POLICY, LatencyModel.ESTIMATED);

        long parisRtt = Objective.meanRttMs(web.placement().nearUsers(), site("paris"), LatencyModel.ESTIMATED);
        long londonRtt = Objective.meanRttMs(web.placement().nearUsers(), site("london"), LatencyModel.ESTIMATED);
        assertThat(score)
                .isEqualTo(new ObjectiveScore(
                        0, // no rule broken
                        1, // one instance on a closed node
                        3, // 3.5 cpu used of 3.2 allowed: 3 units of 100m
                        2 * parisRtt + londonRtt,
                        1, // two replicas share paris/n1
                        2 * SiteEnergy.IDLE_NODE_COST + 10 + 10 + 5,
                        0));
    }
}
