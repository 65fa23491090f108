package dev.atoll.control.federation;

import dev.atoll.control.site.SiteState.HomedEnvironment;
import dev.atoll.control.site.SiteState.ReplicaPlacement;
import dev.atoll.control.site.SiteState.Unplaceable;
import java.util.Map;

/**
 * Everything a buddy needs to take an environment over if its home dies: the environment as the
 * home holds it (spec, versions, deleting flag, home epoch) and where the home placed each replica
 * (site and generation), so that an adopting buddy keeps the replicas still running and places
 * again only those lost with the home.
 *
 * @param homeSite the site that homes the environment and sent this copy
 * @param placements the home's placements, by instance key
 * @param unplaceable the replicas the home could not place, by instance key
 * @param stamp the home's Raft commit index when the copy was taken: a buddy never replaces a copy
 *     with an older one (copies may arrive out of order)
 */
public record EnvironmentCopy(
        String homeSite,
        HomedEnvironment environment,
        Map<String, ReplicaPlacement> placements,
        Map<String, Unplaceable> unplaceable,
        long stamp) {
    public EnvironmentCopy {
        placements = Map.copyOf(placements);
        unplaceable = Map.copyOf(unplaceable);
    }

    public String key() {
        return environment.key();
    }

    public HomeClaim claim() {
        return new HomeClaim(homeSite, environment.homeEpoch(), environment.createdAt());
    }

    /** The copy without its stamp: what a home compares to know whether its buddy is up to date. */
    public EnvironmentCopy content() {
        return new EnvironmentCopy(homeSite, environment, placements, unplaceable, 0);
    }
}
