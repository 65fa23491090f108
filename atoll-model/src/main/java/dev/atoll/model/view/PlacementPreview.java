package dev.atoll.model.view;

import java.util.List;
import java.util.Optional;

/**
 * Where the replicas of an environment would go if it were deployed now, worked out by the real
 * placement selectors on the entry site's current view of the cloud, with nothing reserved. It is a
 * forecast: another deploy, or a site whose exact state differs from its summary, may still change
 * the outcome.
 *
 * @param exists whether the environment exists already (a deploy then updates it: replicas that
 *     run stay where they are, only the ones added are placed)
 * @param placeable whether every replica of every service found a place
 */
public record PlacementPreview(
        String environment, String tenant, boolean exists, boolean placeable, List<ServicePreview> services) {
    public PlacementPreview {
        services = List.copyOf(services);
    }

    /**
     * One service: how many replicas, on which sites, and why the rest would not fit.
     *
     * @param running replicas that run already and would stay where they are
     * @param sites every replica after the deploy (running and new) counted per site, most first
     * @param unplaceable why the first replica that fit nowhere did not, with the count per reason
     * @param summary one sentence: "6 replicas would go to london x2, frankfurt x2, paris x2"
     */
    public record ServicePreview(
            String service,
            int replicas,
            int running,
            List<SiteCount> sites,
            Optional<String> unplaceable,
            String summary) {
        public ServicePreview {
            sites = List.copyOf(sites);
        }

        public boolean placeable() {
            return unplaceable.isEmpty();
        }
    }

    public record SiteCount(String site, int replicas) {}
}
