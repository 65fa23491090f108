package dev.atoll.placement.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionRegistryTest {
    static final Partition LONDON = new Partition("overload:london/n1", "london/n1", List.of("london/n1", "london/n2"));

    @Test
    void aReservedNodeNamesItsOwner() {
        var registry = PartitionRegistry.EMPTY.reserve(LONDON);

        assertThat(registry.ownerOf("london/n2")).contains("overload:london/n1");
        assertThat(registry.heldByOther("london/n2", "drain:london/n3")).isTrue();
        assertThat(registry.heldByOther("london/n2", "overload:london/n1")).isFalse();
        assertThat(registry.ownerOf("paris/n1")).isEmpty();
    }

    @Test
    void twoPartitionsCannotHoldTheSameNode() {
        var registry = PartitionRegistry.EMPTY.reserve(LONDON);
        var overlapping = new Partition("drain:london/n3", "london/n3", List.of("london/n3", "london/n2"));

        assertThatThrownBy(() -> registry.reserve(overlapping))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("overlaps overload:london/n1 at node london/n2");
    }

    @Test
    void releasingFreesOnlyTheOwnersNodes() {
        var other = new Partition("drain:paris/n1", "paris/n1", List.of("paris/n1"));
        var registry = PartitionRegistry.EMPTY.reserve(LONDON).reserve(other).release("overload:london/n1");

        assertThat(registry.ownerOf("london/n1")).isEmpty();
        assertThat(registry.ownerOf("paris/n1")).contains("drain:paris/n1");
    }

    @Test
    void aPartitionStartsAtItsOriginAndListsEachNodeOnce() {
        assertThatThrownBy(() -> new Partition("x", "london/n1", List.of("london/n2")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Partition("x", "london/n1", List.of("london/n1", "london/n1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
