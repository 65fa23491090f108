package dev.atoll.placement.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.placement.Assignment;
import org.junit.jupiter.api.Test;

class MoveTest {
    private static final InstanceId WEB0 = new InstanceId("default", "hello", "web", 0);

    @Test
    void aMoveToAnotherSiteIsAskedNamingOnlyTheSiteAndOneInsideASiteKeepsItsNode() {
        var between = new Move(WEB0, new Assignment("london", "n1"), new Assignment("paris", "n3"), "cheaper");
        var inside = new Move(WEB0, new Assignment("london", "n1"), new Assignment("london", "n2"), "packing");

        assertThat(between.siteOnlyBetweenSites().to()).isEqualTo(new Assignment("paris", null));
        assertThat(between.siteOnlyBetweenSites().reason()).isEqualTo("cheaper");
        assertThat(inside.siteOnlyBetweenSites()).isEqualTo(inside);
    }
}
