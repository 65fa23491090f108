package dev.atoll.placement;

import java.util.List;

/** The site a replica should be offered to, or why no site can take it. */
public sealed interface SiteDecision {
    /**
     * @param alternatives the other feasible sites, best first: where to offer the replica next
     *     if {@code site} declines it
     */
    record Chosen(String site, List<String> alternatives) implements SiteDecision {
        public Chosen {
            // The selector's own list is immutable already and sorts itself when read.
            if (!(alternatives instanceof SiteSelector.Alternatives)) alternatives = List.copyOf(alternatives);
        }
    }

    record NoSite(Explanation why) implements SiteDecision {}
}
