package dev.atoll.control.home;

import dev.atoll.control.federation.EnvironmentCopy;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which copies a buddy takes over: those whose home has been dead for longer than {@link
 * #GRACE}, when this site is the first live site after the home on the buddy ring (so exactly one
 * site adopts when every site sees the same dead ones), and when this site sees at least half of
 * the known sites alive. The last rule keeps a site cut off from most of the others from adopting:
 * it cannot tell whether the home or itself is the one cut off. Pure: state in, decision out.
 */
public final class Adoption {
    /** How long a home must be dead before its buddy adopts: gossip may take a dead verdict back. */
    public static final Duration GRACE = Duration.ofSeconds(1);

    private Adoption() {}

    /**
     * @param self this site
     * @param copies the copies this site keeps
     * @param homedHere keys of the environments this site homes already
     * @param deadSince since when each dead site has been seen dead
     */
    public static List<EnvironmentCopy> toAdopt(
            String self,
            Collection<EnvironmentCopy> copies,
            Set<String> homedHere,
            Collection<String> sites,
            Map<String, Instant> deadSince,
            Instant now) {
        Set<String> dead = deadSince.keySet();
        long known = sites.stream().distinct().count();
        long alive = sites.stream().distinct().filter(s -> !dead.contains(s)).count();
        if (alive * 2 < known) return List.of();
        return copies.stream()
                .filter(c -> !homedHere.contains(c.key()))
                .filter(c -> dead.contains(c.homeSite())
                        && !now.isBefore(deadSince.get(c.homeSite()).plus(GRACE)))
                .filter(c -> Buddies.liveAfter(c.homeSite(), sites, dead).stream()
                        .findFirst()
                        .map(self::equals)
                        .orElse(false))
                .toList();
    }
}
