package dev.atoll.model.spec;

import dev.atoll.model.GeoPoint;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a service's replicas may (hard) and should (soft) run. Empty sets mean "no constraint".
 *
 * <p>Hard: jurisdictions, countries, sites (pin), avoidSites, requireTags, nearUsers with a
 * maxLatencyMs, spread, antiAffinity. Soft: preferTags, nearUsers without a bound, strategy.
 */
public record PlacementIntent(
        Set<String> jurisdictions,
        Set<String> countries,
        Set<String> sites,
        Set<String> avoidSites,
        Set<String> requireTags,
        Set<String> preferTags,
        List<UserRegion> nearUsers,
        Optional<Spread> spread,
        AntiAffinity antiAffinity,
        Strategy strategy) {
    public static final PlacementIntent NONE = new PlacementIntent(
            Set.of(),
            Set.of(),
            Set.of(),
            Set.of(),
            Set.of(),
            Set.of(),
            List.of(),
            Optional.empty(),
            AntiAffinity.NONE,
            Strategy.SPREAD);

    public PlacementIntent {
        jurisdictions = Set.copyOf(jurisdictions);
        countries = Set.copyOf(countries);
        sites = Set.copyOf(sites);
        avoidSites = Set.copyOf(avoidSites);
        requireTags = Set.copyOf(requireTags);
        preferTags = Set.copyOf(preferTags);
        nearUsers = List.copyOf(nearUsers);
    }

    /** A population of users; with {@code maxLatencyMs} it is a hard bound on the estimated RTT. */
    public record UserRegion(String name, GeoPoint location, Optional<Integer> maxLatencyMs) {}

    /** Replicas must cover at least {@code minDomains} distinct sites or nodes. */
    public record Spread(Domain across, int minDomains) {}

    public enum Domain {
        SITE,
        NODE
    }

    /** No two replicas of the service share a node (or a site). */
    public enum AntiAffinity {
        NONE,
        NODE,
        SITE
    }

    /** Soft: spread replicas over sites and nodes, or pack them onto as few as possible. */
    public enum Strategy {
        SPREAD,
        PACK
    }
}
