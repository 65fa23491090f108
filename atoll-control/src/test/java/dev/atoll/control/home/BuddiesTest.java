package dev.atoll.control.home;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UniqueElements;
import org.junit.jupiter.api.Test;

class BuddiesTest {
    private static final List<String> SITES = List.of("london", "frankfurt", "paris", "madrid", "oslo");

    @Test
    void aHomeIsNeverItsOwnBuddyAndEveryOtherSiteFollowsItOnceOnTheRing() {
        for (String home : SITES) {
            assertThat(Buddies.ringAfter(home, SITES))
                    .doesNotContain(home)
                    .containsExactlyInAnyOrderElementsOf(
                            SITES.stream().filter(s -> !s.equals(home)).toList());
        }
    }

    @Test
    void theBuddyOfAHomeIsTheNextLiveSiteSoADeadBuddyIsSkipped() {
        String first = Buddies.ringAfter("london", SITES).get(0);
        String second = Buddies.ringAfter("london", SITES).get(1);

        assertThat(Buddies.of("london", SITES, Set.of())).containsExactly(first);
        assertThat(Buddies.of("london", SITES, Set.of(first))).containsExactly(second);
    }

    @Test
    void aSiteAloneHasNoBuddy() {
        assertThat(Buddies.of("london", List.of("london"), Set.of())).isEmpty();
        assertThat(Buddies.of("london", SITES, Set.of("frankfurt", "paris", "madrid", "oslo")))
                .isEmpty();
    }

    @Property
    void everySiteComputesTheSameRingWhateverOrderItLearnedTheNamesIn(
            @ForAll @Size(min = 2, max = 12) @UniqueElements List<@StringLength(min = 1, max = 8) String> sites) {
        List<String> reversed = new java.util.ArrayList<>(sites);
        java.util.Collections.reverse(reversed);

        assertThat(Buddies.ringAfter(sites.getFirst(), reversed)).isEqualTo(Buddies.ringAfter(sites.getFirst(), sites));
    }
}
