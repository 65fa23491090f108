package dev.atoll.net.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class NetworkAddressingTest {
    private final NetworkAddressing addressing = NetworkAddressing.defaults();

    @Property
    void everySiteComputesTheSamePlanForANetwork(@ForAll("names") String tenant, @ForAll("names") String network) {
        NetworkPlan here = addressing.plan(tenant, network);
        NetworkPlan elsewhere = new NetworkAddressing(Subnet.parse("100.64.0.0/10"), 20).plan(tenant, network);

        assertThat(elsewhere).isEqualTo(here);
    }

    @Property
    void aPlanIsASubnetOfThePoolOutsideTheNodeLinksWithANonZeroVni(
            @ForAll("names") String tenant, @ForAll("names") String network) {
        NetworkPlan plan = addressing.plan(tenant, network);

        assertThat(plan.tenant()).isEqualTo(tenant);
        assertThat(plan.network()).isEqualTo(network);
        assertThat(plan.vni()).isBetween(1, 16_777_215);
        assertThat(plan.subnet().prefix()).isEqualTo(NetworkAddressing.DEFAULT_SUBNET_PREFIX);
        assertThat(NetworkAddressing.DEFAULT_POOL.contains(plan.subnet())).isTrue();
        assertThat(plan.subnet().overlaps(NetworkAddressing.NODE_LINKS)).isFalse();
    }

    @Property
    void inAPoolMostlyMadeOfNodeLinksTheNodeLinksAreStillNeverHandedOut(@ForAll("names") String network) {
        // 100.126.0.0/15 in /17s: four subnets, two of them inside 100.127.0.0/16.
        var small = new NetworkAddressing(Subnet.parse("100.126.0.0/15"), 17);

        Subnet subnet = small.plan("acme", network).subnet();

        assertThat(subnet.overlaps(NetworkAddressing.NODE_LINKS)).isFalse();
        assertThat(Subnet.parse("100.126.0.0/15").contains(subnet)).isTrue();
    }

    @Example
    void differentNetworksSpreadOverThePool() {
        Set<Subnet> subnets = new HashSet<>();
        Set<Integer> vnis = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            NetworkPlan plan = addressing.plan("tenant-" + i, "default");
            subnets.add(plan.subnet());
            vnis.add(plan.vni());
        }

        // 200 picks out of 1,008 subnets: about 18 collide; all 200 landing on few subnets would be a bug.
        assertThat(subnets).hasSizeGreaterThan(150);
        assertThat(vnis).hasSize(200);
    }

    @Example
    void theTenantAndTheNetworkBothCount() {
        NetworkPlan plan = addressing.plan("acme", "default");

        assertThat(addressing.plan("acme", "backend").vni()).isNotEqualTo(plan.vni());
        assertThat(addressing.plan("globex", "default").vni()).isNotEqualTo(plan.vni());
    }

    @Example
    void aSubnetTheUserAskedForIsUsedAndTheVniIsStillHashed() {
        Subnet asked = Subnet.parse("100.100.0.0/24");

        NetworkPlan plan = addressing.plan("acme", "default", Optional.of(asked));

        assertThat(plan.subnet()).isEqualTo(asked);
        assertThat(plan.vni()).isEqualTo(addressing.plan("acme", "default").vni());
    }

    @Example
    void aSubnetTheUserAskedForMayNotTouchTheNodeLinks() {
        assertThatThrownBy(() -> addressing.plan("acme", "default", Optional.of(Subnet.parse("100.127.8.0/24"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100.127.0.0/16");
        assertThatThrownBy(() -> addressing.plan("acme", "default", Optional.of(Subnet.parse("100.64.0.0/10"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overlaps 100.127.0.0/16");
    }

    @Example
    void aSubnetTheUserAskedForMustHoldInstances() {
        assertThatThrownBy(() -> addressing.plan("acme", "default", Optional.of(Subnet.parse("100.100.0.0/31"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaves no address");
    }

    @Example
    void aSubnetPrefixOutsideThePoolOrSmallerThan28IsRefused() {
        Subnet pool = NetworkAddressing.DEFAULT_POOL;

        assertThatThrownBy(() -> new NetworkAddressing(pool, 9)).hasMessageContaining("between the pool's /10 and /28");
        assertThatThrownBy(() -> new NetworkAddressing(pool, 29))
                .hasMessageContaining("between the pool's /10 and /28");
        assertThat(new NetworkAddressing(pool, 28)
                        .plan("acme", "default")
                        .subnet()
                        .size())
                .isEqualTo(16);
        assertThat(new NetworkAddressing(pool, 11).plan("acme", "default").subnet())
                .isEqualTo(Subnet.parse("100.64.0.0/11"));
    }

    @Example
    void aPoolWithNoSubnetOutsideTheNodeLinksIsRefused() {
        assertThatThrownBy(() -> new NetworkAddressing(Subnet.parse("100.127.0.0/16"), 20))
                .hasMessageContaining("no /20 outside 100.127.0.0/16");
        // The pool is one /10 subnet, and it holds the node links.
        assertThatThrownBy(() -> new NetworkAddressing(NetworkAddressing.DEFAULT_POOL, 10))
                .hasMessageContaining("no /10 outside 100.127.0.0/16");
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .numeric()
                .withChars('-')
                .ofMinLength(1)
                .ofMaxLength(20);
    }
}
