package dev.atoll.net.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class AddressAllocatorTest {

    /** A subnet and some of its addresses taken (network and broadcast may be among them), plus strangers. */
    record Taken(Subnet subnet, Set<String> inUse) {}

    @Property(tries = 500)
    void anAllocatedAddressIsAFreeHostAddressInsideTheSubnet(@ForAll("taken") Taken taken, @ForAll String hintKey) {
        Optional<String> address = AddressAllocator.allocate(taken.subnet(), taken.inUse(), hintKey);

        address.ifPresent(a -> {
            long offset = taken.subnet().offsetOf(a);
            assertThat(offset).isBetween(1L, taken.subnet().size() - 2);
            assertThat(taken.inUse()).doesNotContain(a);
        });
    }

    @Property(tries = 500)
    void anAddressIsFoundWheneverAHostAddressIsFree(@ForAll("taken") Taken taken, @ForAll String hintKey) {
        Subnet subnet = taken.subnet();
        long free = 0;
        for (long offset = 1; offset < subnet.size() - 1; offset++) {
            if (!taken.inUse().contains(subnet.addressAt(offset))) free++;
        }

        Optional<String> address = AddressAllocator.allocate(subnet, taken.inUse(), hintKey);

        assertThat(address.isPresent()).isEqualTo(free > 0);
    }

    @Property
    void aFullSubnetHasNoAddress(@ForAll("smallSubnets") Subnet subnet, @ForAll String hintKey) {
        Set<String> everyHost = new HashSet<>();
        for (long offset = 1; offset < subnet.size() - 1; offset++) everyHost.add(subnet.addressAt(offset));

        assertThat(AddressAllocator.allocate(subnet, everyHost, hintKey)).isEmpty();
    }

    @Property
    void theSameQuestionGetsTheSameAnswer(@ForAll("taken") Taken taken, @ForAll String hintKey) {
        assertThat(AddressAllocator.allocate(taken.subnet(), Set.copyOf(taken.inUse()), hintKey))
                .isEqualTo(AddressAllocator.allocate(taken.subnet(), taken.inUse(), hintKey));
    }

    @Example
    void subnetsWithNoHostAddressesHaveNoAddress() {
        assertThat(AddressAllocator.allocate(Subnet.parse("100.64.0.0/31"), Set.of(), "env"))
                .isEmpty();
        assertThat(AddressAllocator.allocate(Subnet.parse("100.64.0.0/32"), Set.of(), "env"))
                .isEmpty();
        assertThat(AddressAllocator.allocate(Subnet.parse("100.64.0.0/30"), Set.of("100.64.0.1"), "env"))
                .contains("100.64.0.2");
    }

    @Example
    void differentHintKeysStartTheirSearchesInDifferentPlaces() {
        Subnet subnet = Subnet.parse("100.64.0.0/20");
        Set<String> picks = new HashSet<>();
        for (String environment : List.of("shop", "blog", "search", "billing", "mail", "chat", "wiki", "ci")) {
            picks.add(AddressAllocator.allocate(subnet, Set.of(), environment).orElseThrow());
        }

        // Eight keys over 4,094 addresses: two sites allocating at once rarely clash.
        assertThat(picks).hasSizeGreaterThan(6);
    }

    /** Subnets of /24 to /32 in 100.64.0.0/11, so 100.96.0.0/24 is always outside them. */
    @Provide
    Arbitrary<Subnet> smallSubnets() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, (1 << 21) - 1),
                        Arbitraries.integers().between(24, 32))
                .as((offset, prefix) -> {
                    int base = NetworkAddressing.DEFAULT_POOL.base() + offset;
                    return new Subnet(base & (-1 << (32 - prefix)), prefix);
                });
    }

    @Provide
    Arbitrary<Taken> taken() {
        Arbitrary<Set<String>> strangers = Arbitraries.integers()
                .between(0, 255)
                .map(i -> "100.96.0." + i)
                .set()
                .ofMaxSize(3);
        return smallSubnets().flatMap(subnet -> Combinators.combine(
                        Arbitraries.longs()
                                .between(0, subnet.size() - 1)
                                .map(subnet::addressAt)
                                .set()
                                .ofMaxSize((int) subnet.size()),
                        strangers)
                .as((inside, outside) -> {
                    Set<String> inUse = new HashSet<>(inside);
                    inUse.addAll(outside);
                    return new Taken(subnet, inUse);
                }));
    }
}
