package dev.atoll.net.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SubnetTest {

    @Example
    void readsACidrAndWritesItBack() {
        Subnet subnet = Subnet.parse("100.64.16.0/20");

        assertThat(subnet.toString()).isEqualTo("100.64.16.0/20");
        assertThat(subnet.prefix()).isEqualTo(20);
        assertThat(subnet.size()).isEqualTo(4096);
        assertThat(subnet.addressAt(0)).isEqualTo("100.64.16.0");
        assertThat(subnet.addressAt(4095)).isEqualTo("100.64.31.255");
    }

    @Example
    void theWholeAddressSpaceAndASingleAddressAreSubnetsToo() {
        assertThat(Subnet.parse("0.0.0.0/0").size()).isEqualTo(1L << 32);
        assertThat(Subnet.parse("0.0.0.0/0").addressAt((1L << 32) - 1)).isEqualTo("255.255.255.255");
        assertThat(Subnet.parse("100.64.0.7/32").size()).isEqualTo(1);
        assertThat(Subnet.parse("100.64.0.7/32").contains("100.64.0.7")).isTrue();
    }

    @Example
    void aPrefixPast32IsRefusedSayingWhatPrefixesAre() {
        assertThatThrownBy(() -> Subnet.parse("100.64.0.0/33"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("100.64.0.0/33: prefix must be 0..32");
    }

    @Example
    void aBaseThatIsNotTheFirstAddressIsRefused() {
        assertThatThrownBy(() -> Subnet.parse("100.64.0.1/16"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("100.64.0.1/16: not the first address of its subnet");
    }

    @Example
    void malformedCidrsAreRefusedNamingTheInput() {
        for (String bad : new String[] {
            "100.64.0.0", "100.64.0/20", "100.64.0.0/", "100.64.0.0/-1", "100.64.0.0/2x", "100.256.0.0/16",
            "100.64.0.0.0/16", "100.064.0.0/16", " 100.64.0.0/16", "", "a.b.c.d/8", "100.64.0.0/016"
        }) {
            assertThatThrownBy(() -> Subnet.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(bad + ":");
        }
    }

    @Example
    void containmentAndOverlap() {
        Subnet pool = Subnet.parse("100.64.0.0/10");
        Subnet links = Subnet.parse("100.127.0.0/16");
        Subnet other = Subnet.parse("100.128.0.0/16");

        assertThat(pool.contains(links)).isTrue();
        assertThat(links.contains(pool)).isFalse();
        assertThat(pool.overlaps(links)).isTrue();
        assertThat(links.overlaps(pool)).isTrue();
        assertThat(pool.overlaps(other)).isFalse();
        assertThat(pool.contains("100.127.255.255")).isTrue();
        assertThat(pool.contains("100.128.0.0")).isFalse();
    }

    @Example
    void offsetsOutsideTheSubnetAreRefused() {
        Subnet subnet = Subnet.parse("100.64.0.0/30");

        assertThatThrownBy(() -> subnet.addressAt(4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> subnet.addressAt(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> subnet.offsetOf("100.64.0.4")).hasMessage("100.64.0.4 is not in 100.64.0.0/30");
    }

    @Property
    void everyOffsetMapsToAnAddressInsideThatMapsBack(@ForAll("subnets") Subnet subnet, @ForAll long seed) {
        long offset = Math.floorMod(seed, subnet.size());

        String address = subnet.addressAt(offset);

        assertThat(subnet.contains(address)).isTrue();
        assertThat(subnet.offsetOf(address)).isEqualTo(offset);
    }

    @Property
    void printingAndParsingAgree(@ForAll("subnets") Subnet subnet) {
        assertThat(Subnet.parse(subnet.toString())).isEqualTo(subnet);
    }

    @Property
    void aSubnetContainsItsHalvesAndTheyDoNotOverlapEachOther(@ForAll("subnets") Subnet subnet) {
        Assume.that(subnet.prefix() < 32);
        Subnet lower = new Subnet(subnet.base(), subnet.prefix() + 1);
        Subnet upper = new Subnet(subnet.base() + (int) (subnet.size() / 2), subnet.prefix() + 1);

        assertThat(subnet.contains(lower)).isTrue();
        assertThat(subnet.contains(upper)).isTrue();
        assertThat(lower.overlaps(upper)).isFalse();
        assertThat(upper.overlaps(subnet)).isTrue();
    }

    @Provide
    Arbitrary<Subnet> subnets() {
        return Combinators.combine(
                        Arbitraries.integers(), Arbitraries.integers().between(0, 32))
                .as((address, prefix) -> new Subnet(prefix == 0 ? 0 : address & (-1 << (32 - prefix)), prefix));
    }
}
