package dev.atoll.control.home;

import static dev.atoll.control.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.EnvironmentCopy;
import dev.atoll.control.site.SiteState.HomedEnvironment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdoptionTest {
    private static final List<String> SITES = List.of("london", "frankfurt", "paris");
    private static final String BUDDY = Buddies.ringAfter("london", SITES).get(0);
    private static final String OTHER = Buddies.ringAfter("london", SITES).get(1);

    private static final EnvironmentCopy COPY = new EnvironmentCopy(
            "london",
            new HomedEnvironment(anEnvironment("hello", aService("web", 2)), 1, Map.of("web", 1L), T0, T0, false),
            Map.of(),
            Map.of(),
            7);

    private static List<EnvironmentCopy> adopt(String self, Map<String, Instant> deadSince, Instant now) {
        return Adoption.toAdopt(self, List.of(COPY), Set.of(), SITES, deadSince, now);
    }

    @Test
    void theFirstLiveBuddyAdoptsOnceTheHomeHasBeenDeadForTheGracePeriod() {
        var deadSince = Map.of("london", T0);

        assertThat(adopt(BUDDY, deadSince, T0.plus(Adoption.GRACE).minusMillis(1)))
                .isEmpty();
        assertThat(adopt(BUDDY, deadSince, T0.plus(Adoption.GRACE))).containsExactly(COPY);
    }

    @Test
    void aSiteFurtherOnTheRingAdoptsOnlyWhenTheBuddiesBeforeItAreDeadToo() {
        assertThat(adopt(OTHER, Map.of("london", T0), T0.plusSeconds(10))).isEmpty();

        // Two of three dead: the survivor is alone, a minority that must not adopt.
        assertThat(adopt(OTHER, Map.of("london", T0, BUDDY, T0), T0.plusSeconds(10)))
                .isEmpty();
    }

    @Test
    void aSiteThatSeesMostOthersDeadAdoptsNothingSinceItMayBeTheOneCutOff() {
        var five = List.of("london", "frankfurt", "paris", "madrid", "oslo");
        String buddy = Buddies.ringAfter("london", five).get(0);
        var deadSince = new java.util.HashMap<String, Instant>();
        for (String s : five) if (!s.equals(buddy)) deadSince.put(s, T0);

        assertThat(Adoption.toAdopt(buddy, List.of(COPY), Set.of(), five, deadSince, T0.plusSeconds(10)))
                .isEmpty();
    }

    @Test
    void aLiveHomeKeepsItsEnvironmentAndAnAdoptedOneIsNotAdoptedAgain() {
        assertThat(adopt(BUDDY, Map.of(), T0.plusSeconds(10))).isEmpty();
        assertThat(Adoption.toAdopt(
                        BUDDY, List.of(COPY), Set.of(COPY.key()), SITES, Map.of("london", T0), T0.plusSeconds(10)))
                .isEmpty();
    }
}
