package dev.atoll.placement;

import dev.atoll.model.spec.ServiceSpec;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which site should one more replica of {@code service} go to?
 *
 * @param sites the summaries of every site this home site knows about
 * @param replicasPerSite replicas of this service already placed, by site name
 * @param replicasStillToPlace replicas of this service still to place, this one included
 * @param excludedSites sites that already declined this replica
 * @param latency how far users are from each site
 * @param seed breaks ties between equally good sites, so a decision can be replayed
 */
public record SiteRequest(
        ServiceSpec service,
        List<SiteSummary> sites,
        Map<String, Integer> replicasPerSite,
        int replicasStillToPlace,
        Set<String> excludedSites,
        LatencyModel latency,
        long seed) {
    public SiteRequest {
        sites = List.copyOf(sites);
        // Views, not copies: a request lives for one select call on the placement hot path.
        replicasPerSite = Collections.unmodifiableMap(replicasPerSite);
        excludedSites = Collections.unmodifiableSet(excludedSites);
    }
}
